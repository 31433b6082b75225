using System.ComponentModel;
using CopilotBot.Conversation;
using CopilotBot.Conversation.Cards;
using CopilotBot.Conversation.Functions;
using Microsoft.SemanticKernel;

namespace CopilotBot.Llm.Tests;

/// <summary>A small plugin with one function of each kind the router must treat differently.</summary>
[Description("Test accounts")]
public sealed class TestPlugin
{
    private int _lookups;
    private int _taskCreations;
    private int _resets;

    public int Lookups => _lookups;

    public int TaskCreations => _taskCreations;

    public int Resets => _resets;

    [KernelFunction("lookup")]
    [Description("Look up one account by its id and say how likely it is to churn.")]
    public PluginResult Lookup([Description("The account id, like P10342.")] string account, [FromKernelServices] CallerContext caller)
    {
        Interlocked.Increment(ref _lookups);
        return new PluginResult($"{account} has a churn risk of 82%.")
        {
            Cards = [new Card("Account " + account, [new CardText("Churn risk 82%")], [])],
            Evidence = [new Evidence("C000101", "2026-03-01", account, "We are evaluating other vendors.")],
            AccountsShown = [account],
            Data = new { account, risk = 0.82, user = caller.User.Id },
        };
    }

    [KernelFunction("at_risk")]
    [Description("List the accounts most likely to churn.")]
    public PluginResult AtRisk([Description("How many accounts to list.")] int top = 3)
    {
        string[] ids = Enumerable.Range(1, top).Select(i => $"P1000{i}").ToArray();
        return new PluginResult($"The top {top} at-risk accounts are {string.Join(", ", ids)}.")
        {
            Cards = [new Card("At-risk accounts", ids.Select(id => (CardElement)new CardText(id)).ToList(), [])],
            AccountsShown = ids,
            Data = new { accounts = ids },
        };
    }

    [KernelFunction("explode")]
    [Description("Always fails.")]
    public PluginResult Explode() => throw new InvalidOperationException("internal failure at /srv/secret/path");

    [KernelFunction("create_task")]
    [FunctionPolicy(HasSideEffects = true)]
    [Description("Create a CRM follow-up task for an account.")]
    public PluginResult CreateTask([Description("The account id.")] string account, [Description("What to do.")] string title)
    {
        Interlocked.Increment(ref _taskCreations);
        return new PluginResult($"Created task '{title}' for {account}.");
    }

    [KernelFunction("reset_everything")]
    [FunctionPolicy(ButtonOnly = true)]
    [Description("Resets the workspace; only a button may call it.")]
    public PluginResult ResetEverything()
    {
        Interlocked.Increment(ref _resets);
        return new PluginResult("Reset.");
    }
}
