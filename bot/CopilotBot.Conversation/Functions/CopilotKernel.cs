using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;

namespace CopilotBot.Conversation.Functions;

/// <summary>
/// How CopilotBot uses Semantic Kernel: plugins made from classes with <c>[KernelFunction]</c> methods (their
/// <see cref="FunctionPolicyAttribute"/> carried as function metadata), catalog names (<c>churn.at_risk</c>), and every call
/// made through <see cref="Kernel.InvokeAsync(KernelFunction, KernelArguments?, CancellationToken)"/> on a kernel for
/// one caller, so the invocation filters see who is asking and no route can skip them.
/// </summary>
public static class CopilotKernel
{
    /// <summary>The metadata key under which a function's <see cref="FunctionPolicy"/> travels.</summary>
    public const string PolicyKey = "copilot.policy";

    /// <summary>The metadata key under which a function's example utterances travel.</summary>
    public const string UtterancesKey = "copilot.utterances";

    private const string SourceKey = "copilot.source";

    /// <summary>
    /// A plugin from an object's <c>[KernelFunction]</c> methods, each with its policy and example utterances as metadata.
    /// The caller is a <c>[FromKernelServices] CallerContext</c> parameter: it comes from the kernel, never from the arguments,
    /// so it never appears in a schema a model sees.
    /// </summary>
    public static KernelPlugin CreatePlugin(string name, object instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        Type type = instance.GetType();
        var functions = new List<KernelFunction>();
        foreach (MethodInfo method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<KernelFunctionAttribute>() is not { } attribute)
            {
                continue;
            }

            foreach (ParameterInfo parameter in method.GetParameters())
            {
                if (parameter.ParameterType == typeof(CallerContext) && parameter.GetCustomAttribute<FromKernelServicesAttribute>() is null)
                {
                    throw new ArgumentException(
                        $"{type.Name}.{method.Name}: mark its CallerContext parameter [FromKernelServices], or a model could supply it.", nameof(instance));
                }
            }

            var metadata = new Dictionary<string, object?>
            {
                [PolicyKey] = method.GetCustomAttribute<FunctionPolicyAttribute>()?.ToPolicy() ?? FunctionPolicy.ReadOnly,
                [UtterancesKey] = method.GetCustomAttributes<UtteranceAttribute>().Select(u => u.Text).ToArray(),
            };
            functions.Add(KernelFunctionFactory.CreateFromMethod(method, instance, new KernelFunctionFromMethodOptions
            {
                FunctionName = attribute.Name ?? method.Name,
                Description = method.GetCustomAttribute<DescriptionAttribute>()?.Description,
                AdditionalMetadata = new(metadata),
            }));
        }

        if (functions.Count == 0)
        {
            throw new ArgumentException($"{type.Name} has no [KernelFunction] methods.", nameof(instance));
        }

        return KernelPluginFactory.CreateFromFunctions(name, type.GetCustomAttribute<DescriptionAttribute>()?.Description, functions);
    }

    /// <summary>The function's policy (read-only and open to every role when it declared none).</summary>
    public static FunctionPolicy Policy(this KernelFunction function) =>
        function.Metadata.AdditionalProperties.TryGetValue(PolicyKey, out object? policy) && policy is FunctionPolicy p ? p : FunctionPolicy.ReadOnly;

    /// <summary>The example utterances the function declared for the embedded router.</summary>
    public static IReadOnlyList<string> Utterances(this KernelFunction function) =>
        function.Metadata.AdditionalProperties.TryGetValue(UtterancesKey, out object? u) && u is string[] texts ? texts : [];

    /// <summary>The catalog name: <c>plugin.function</c>.</summary>
    public static string CatalogName(this KernelFunction function) => function.PluginName + "." + function.Name;

    /// <summary>
    /// The functions the embedded router was not trained on, as it sees them: catalog name, declared example utterances,
    /// catalog argument names (<c>horizonDays</c> → <c>horizon_days</c>) and whether they change something.
    /// </summary>
    public static IEnumerable<Routing.Classification.RouterExtension> RouterExtensions(this Kernel kernel) =>
        kernel.Functions()
            .Where(f => !Routing.IntentCatalog.IsIntent(f.CatalogName()) && !f.Policy().ButtonOnly && f.Utterances().Count > 0)
            .Select(f => new Routing.Classification.RouterExtension(
                f.CatalogName(),
                f.Utterances(),
                f.Metadata.Parameters.Select(p => SnakeCase(p.Name)).ToList(),
                f.Policy().HasSideEffects));

    /// <summary><c>horizonDays</c> → <c>horizon_days</c>: a C# parameter's catalog argument name.</summary>
    public static string SnakeCase(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : string.Empty) + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>Every function of every plugin.</summary>
    public static IEnumerable<KernelFunction> Functions(this Kernel kernel) => kernel.Plugins.SelectMany(p => p);

    /// <summary>A function by its catalog name (<c>churn.at_risk</c>) or the name a model sees (<c>churn-at_risk</c>).</summary>
    public static KernelFunction? Find(this Kernel kernel, string name)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        int dot = name.IndexOfAny(['.', '-']);
        return dot > 0 && kernel.Plugins.TryGetFunction(name[..dot], name[(dot + 1)..], out KernelFunction? function) ? function : null;
    }

    /// <summary>
    /// A kernel for one caller: the same plugins and filters, with the caller in its services (so
    /// <c>[FromKernelServices] CallerContext</c> parameters and the filters read it) and how the call was decided in its data.
    /// Nothing a model or a button sends can change either.
    /// </summary>
    public static Kernel ForCaller(this Kernel kernel, CallerContext caller, InvocationSource source)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(caller);
        var turn = new Kernel(new CallerServices(kernel.Services, caller), kernel.Plugins) { Culture = kernel.Culture };
        Replace(turn.FunctionInvocationFilters, kernel.FunctionInvocationFilters);
        Replace(turn.AutoFunctionInvocationFilters, kernel.AutoFunctionInvocationFilters);
        Replace(turn.PromptRenderFilters, kernel.PromptRenderFilters);
        foreach ((string key, object? value) in kernel.Data)
        {
            turn.Data[key] = value;
        }

        turn.Data[SourceKey] = source;
        return turn;

        static void Replace<T>(IList<T> target, IList<T> source)
        {
            target.Clear();
            foreach (T item in source)
            {
                target.Add(item);
            }
        }
    }

    /// <summary>The caller this kernel was made for (<see cref="ForCaller"/>).</summary>
    public static CallerContext Caller(this Kernel kernel) =>
        kernel.Services.GetService<CallerContext>() ?? throw new InvalidOperationException("This kernel has no caller: invoke through CopilotKernel.ForCaller.");

    /// <summary>How calls on this kernel were decided (<see cref="ForCaller"/>).</summary>
    public static InvocationSource Source(this Kernel kernel) =>
        kernel.Data.TryGetValue(SourceKey, out object? source) && source is InvocationSource s ? s : InvocationSource.Router;

    /// <summary>
    /// Calls one function for one caller through the kernel and every filter, with catalog arguments (<c>horizon_days</c>
    /// binds <c>horizonDays</c>), and returns what the plugin (or a filter) answered.
    /// </summary>
    public static async Task<PluginResult> InvokeForAsync(
        this Kernel kernel,
        KernelFunction function,
        IReadOnlyDictionary<string, object?> arguments,
        CallerContext caller,
        InvocationSource source,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(arguments);
        Kernel turn = kernel.ForCaller(caller, source);
        var kernelArguments = new KernelArguments();
        foreach ((string name, object? value) in arguments)
        {
            kernelArguments[name] = value;
        }

        FunctionResult result = await turn.InvokeAsync(function, kernelArguments, cancellationToken);
        return ResultOf(result);
    }

    /// <summary>The plugin's result inside a function result (a plain value becomes its text).</summary>
    public static PluginResult ResultOf(FunctionResult? result) => result?.GetValue<object>() switch
    {
        PluginResult plugin => plugin,
        null => PluginResult.Refuse("That didn't produce an answer."),
        object other => new PluginResult(other.ToString() ?? string.Empty),
    };

    /// <summary>
    /// How an argument name binds to a parameter: case and underscores ignored (<c>horizon_days</c>, <c>horizonDays</c> and
    /// <c>HorizonDays</c> are one parameter). Filters that check arguments use the same key, so no spelling slips past them.
    /// </summary>
    public static string ArgumentKey(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    /// <summary>The caller as a kernel service, everything else from the kernel's own services.</summary>
    private sealed class CallerServices(IServiceProvider inner, CallerContext caller) : IKeyedServiceProvider
    {
        public object? GetService(Type serviceType) =>
            serviceType == typeof(CallerContext) ? caller : inner.GetService(serviceType);

        public object? GetKeyedService(Type serviceType, object? serviceKey) =>
            serviceKey is null ? GetService(serviceType)
            : inner is IKeyedServiceProvider keyed ? keyed.GetKeyedService(serviceType, serviceKey) : null;

        public object GetRequiredKeyedService(Type serviceType, object? serviceKey) =>
            GetKeyedService(serviceType, serviceKey) ?? throw new InvalidOperationException($"No service for type '{serviceType}'.");
    }
}
