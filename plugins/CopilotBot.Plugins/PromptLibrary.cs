using System.Collections.Concurrent;
using HandlebarsDotNet;

namespace CopilotBot.Plugins;

/// <summary>Handlebars templates from the <c>prompts/</c> folder, compiled once each.</summary>
public sealed class PromptLibrary
{
    private readonly ConcurrentDictionary<string, HandlebarsTemplate<object, object>> _compiled = new();
    private readonly IHandlebars _handlebars = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });

    public PromptLibrary(string directory)
    {
        Directory = directory;
    }

    public string Directory { get; }

    /// <summary>The prompts folder copied next to the running assembly.</summary>
    public static PromptLibrary Default() => new(Path.Combine(AppContext.BaseDirectory, "prompts"));

    public IEnumerable<string> Names => System.IO.Directory.EnumerateFiles(Directory).Select(Path.GetFileName)!;

    public string Render(string name, object model)
    {
        HandlebarsTemplate<object, object> template = _compiled.GetOrAdd(name, n =>
        {
            string path = Path.Combine(Directory, n);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Prompt template '{n}' is missing from {Directory}.", path);
            }

            return _handlebars.Compile(File.ReadAllText(path));
        });
        return template(model).Trim() + "\n";
    }
}
