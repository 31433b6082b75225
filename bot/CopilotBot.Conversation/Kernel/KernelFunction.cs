using System.Reflection;
using Microsoft.Extensions.AI;

namespace CopilotBot.Conversation.Kernel;

/// <summary>One callable function: its catalog name (<c>churn.at_risk</c>), its <see cref="AIFunction"/>, and its policy.</summary>
public sealed class KernelFunction
{
    internal KernelFunction(string pluginName, KernelFunctionAttribute attribute, AIFunction function)
    {
        PluginName = pluginName;
        Name = attribute.Name;
        Attribute = attribute;
        AIFunction = function;
        Parameters = function.UnderlyingMethod!.GetParameters()
            .Where(p => p.ParameterType != typeof(CallerContext) && p.ParameterType != typeof(CancellationToken))
            .ToArray();
    }

    public string PluginName { get; }

    public string Name { get; }

    /// <summary>The catalog name: <c>plugin.function</c>.</summary>
    public string FullName => PluginName + "." + Name;

    /// <summary>The name a language model sees (tool names cannot contain dots).</summary>
    public string ToolName => PluginName + "_" + Name;

    public KernelFunctionAttribute Attribute { get; }

    public bool HasSideEffects => Attribute.HasSideEffects;

    public AIFunction AIFunction { get; }

    public IReadOnlyList<ParameterInfo> Parameters { get; }

    public string Description => AIFunction.Description;
}
