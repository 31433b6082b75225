using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CopilotBot.Conversation.Kernel;

/// <summary>A named group of functions made from a plain class's <see cref="KernelFunctionAttribute"/> methods.</summary>
public sealed class KernelPlugin
{
    private KernelPlugin(string name, string description, IReadOnlyList<KernelFunction> functions)
    {
        Name = name;
        Description = description;
        Functions = functions;
    }

    public string Name { get; }

    public string Description { get; }

    public IReadOnlyList<KernelFunction> Functions { get; }

    public static KernelPlugin FromObject(string name, object instance)
    {
        Type type = instance.GetType();
        var functions = new List<KernelFunction>();
        foreach (MethodInfo method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<KernelFunctionAttribute>() is not { } attribute)
            {
                continue;
            }

            var options = new AIFunctionFactoryOptions
            {
                Name = name + "_" + attribute.Name,
                Description = method.GetCustomAttribute<DescriptionAttribute>()?.Description,
                SerializerOptions = JsonSerializerOptions.Web,
                // The caller is bound from the invocation context and never appears in the schema a model sees.
                ConfigureParameterBinding = p => p.ParameterType == typeof(CallerContext)
                    ? new AIFunctionFactoryOptions.ParameterBindingOptions
                    {
                        ExcludeFromSchema = true,
                        BindParameter = (_, args) => args.Context?[typeof(CallerContext)]
                            ?? throw new InvalidOperationException("No caller in the invocation context."),
                    }
                    : default,
                // Keep the plugin's own result object; the kernel decides how to show it to people or to a model.
                MarshalResult = (result, _, _) => new ValueTask<object?>(result),
            };
            functions.Add(new KernelFunction(name, attribute, AIFunctionFactory.Create(method, instance, options)));
        }

        if (functions.Count == 0)
        {
            throw new ArgumentException($"{type.Name} has no [KernelFunction] methods.", nameof(instance));
        }

        string description = type.GetCustomAttribute<DescriptionAttribute>()?.Description ?? name;
        return new KernelPlugin(name, description, functions);
    }
}
