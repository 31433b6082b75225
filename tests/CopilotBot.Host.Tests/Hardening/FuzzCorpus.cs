using System.Text;
using System.Text.Json.Nodes;

namespace CopilotBot.Host.Tests.Hardening;

/// <summary>One request body to throw at an endpoint, and what it is (for failure messages).</summary>
public sealed record FuzzCase(string Name, byte[] Body, string ContentType)
{
    /// <summary>Request headers to add (a <c>Host</c> entry replaces the request's host header).</summary>
    public IReadOnlyList<(string Name, string Value)> Headers { get; init; } = [];
}

/// <summary>
/// A seeded generator of bad request bodies from a valid template: bodies no endpoint may accept (<see cref="Invalid"/>:
/// empty, truncated, deeply nested, not an object, invalid UTF-8, huge, wrong content) and mutations that may or may not be
/// acceptable (<see cref="Mutations"/>: every field given a wrong type, nulls, duplicate keys, unicode edge cases). The same
/// seed gives the same cases.
/// </summary>
public static class FuzzCorpus
{
    private const string Json = "application/json";

    private static readonly string[] Unicode =
    [
        "\u200f\u202eevil\u202c", "👩‍👩‍👧‍👦 help", "e\u0301\u0301\u0301", "\ufeffhelp", "a\u0000b", "\ud800", "\udfff\ud800", "𝕳𝖊𝖑𝖕",
        "\u2028\u2029", "﷽", "Z̵̢̛̹̯̋a̷̧͎̒l̶̰̈́g̷̣̈o̵̢͂", new string('\u0300', 5000), "' OR 1=1 --", "<script>alert(1)</script>", "{{userName}}", "../../etc/passwd",
    ];

    /// <summary>Bodies every JSON endpoint must refuse with a 4xx and without storing anything.</summary>
    public static IEnumerable<FuzzCase> Invalid(JsonNode template, Random random, int maxBytes)
    {
        byte[] valid = Encoding.UTF8.GetBytes(template.ToJsonString());
        yield return new("empty", [], Json);
        yield return new("whitespace", "  \n\t "u8.ToArray(), Json);
        foreach (string primitive in new[] { "null", "42", "\"help\"", "true", "[]", "[{}]", "{", "}", "{}}", "{\"a\":}", "{'type':'message'}", "{\"type\":\"message\",}", "NaN" })
        {
            yield return new("primitive " + primitive, Encoding.UTF8.GetBytes(primitive), Json);
        }

        for (int i = 0; i < 12; i++)
        {
            int cut = random.Next(1, valid.Length - 1);
            yield return new($"truncated at {cut}", valid[..cut], Json);
        }

        yield return new("10k nested arrays", Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)), Json);
        yield return new("10k nested objects", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 10_000)) + "1" + new string('}', 10_000)), Json);
        yield return new("10k unclosed", Encoding.UTF8.GetBytes(new string('[', 10_000)), Json);

        foreach (byte[] bad in new[] { new byte[] { 0xFF }, [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF], [0x00] })
        {
            // Raw invalid UTF-8 (or a raw NUL) inside the first string value: JSON readers must refuse it.
            int quote = Array.IndexOf(valid, (byte)'"', Array.IndexOf(valid, (byte)':') + 1);
            yield return new($"invalid utf-8 {Convert.ToHexString(bad)}", [.. valid[..(quote + 1)], .. bad, .. valid[(quote + 1)..]], Json);
        }

        yield return new("binary noise", RandomBytes(random, 2048), Json);
        yield return new("xml", "<activity><type>message</type></activity>"u8.ToArray(), "application/xml");
        // Issue #17: what a browser on another site, or a DNS-rebinding page, sends with an otherwise valid body.
        yield return new("cross-site no-cors text/plain", valid, "text/plain;charset=UTF-8")
        {
            Headers = [("Origin", "http://evil.example"), ("Sec-Fetch-Site", "cross-site"), ("Sec-Fetch-Mode", "no-cors")],
        };
        yield return new("foreign Origin", valid, Json) { Headers = [("Origin", "http://evil.example")] };
        yield return new("same-site page on another port", valid, Json) { Headers = [("Sec-Fetch-Site", "same-site"), ("Origin", "http://localhost:8080")] };
        yield return new("rebound Host header", valid, Json) { Headers = [("Host", "evil.example:3978")] };
        yield return new("huge string", Encoding.UTF8.GetBytes("{\"type\":\"message\",\"text\":\"" + new string('x', maxBytes + 1024) + "\"}"), Json);
        yield return new("huge array", Encoding.UTF8.GetBytes("[" + string.Join(',', Enumerable.Repeat("1", (maxBytes / 2) + 1024)) + "]"), Json);
    }

    /// <summary>The template with one field changed: a wrong type, null, a huge or strange string; plus duplicate keys and a BOM.</summary>
    public static IEnumerable<FuzzCase> Mutations(JsonNode template, Random random, int count)
    {
        List<string> paths = Paths(template, string.Empty).ToList();
        for (int i = 0; i < count; i++)
        {
            JsonNode copy = template.DeepClone();
            string path = paths[random.Next(paths.Count)];
            JsonNode replacement = random.Next(9) switch
            {
                0 => JsonValue.Create(random.Next(int.MinValue, int.MaxValue))!,
                1 => JsonValue.Create(random.NextDouble() * 1e300)!,
                2 => JsonValue.Create(random.Next(2) == 0)!,
                3 => new JsonArray(JsonValue.Create("x"), null, new JsonObject()),
                4 => new JsonObject { ["nested"] = new JsonObject { ["deeper"] = new JsonArray() } },
                5 => JsonValue.Create(new string('x', random.Next(1, 20_000)))!,
                6 => JsonValue.Create(Unicode[random.Next(Unicode.Length)])!,
                7 => JsonValue.Create(string.Empty)!,
                _ => JsonValue.Create("  ")!,
            };
            bool setNull = random.Next(8) == 0;
            Set(copy, path, setNull ? null : replacement);
            yield return new($"{path} = {(setNull ? "null" : Describe(replacement))}", Encoding.UTF8.GetBytes(copy.ToJsonString()), Json);
        }

        string json = template.ToJsonString();
        int brace = json.IndexOf('{', StringComparison.Ordinal);
        yield return new("duplicate keys", Encoding.UTF8.GetBytes(json[..(brace + 1)] + "\"type\":\"message\",\"type\":[1]," + json[(brace + 1)..]), Json);
        // Issue #17: malformed card data and wrongly typed fields, where the body is an object.
        if (template is JsonObject)
        {
            foreach ((string name, string field, string replacement) in new[]
            {
                ("value with duplicate keys", "value", "{\"verb\":\"churn.explain\",\"account\":\"P10521\",\"account\":\"P10170\"}"),
                ("value.verb = 1", "value", "{\"verb\":1}"),
                ("confirm arguments not an object", "value", "{\"verb\":\"confirm\",\"function\":\"crm.create_task\",\"arguments\":\"[1,2]\"}"),
                ("confirm function not a string", "value", "{\"verb\":\"confirm\",\"function\":7,\"arguments\":\"{}\"}"),
                ("user as an array", "user", "[\"riley.chen\"]"),
                ("user as an object", "user", "{\"id\":\"riley.chen\"}"),
            })
            {
                var copy = (JsonObject)template.DeepClone();
                copy.Remove(field);
                string body = copy.ToJsonString();
                yield return new(name, Encoding.UTF8.GetBytes(body[..^1] + (copy.Count > 0 ? "," : string.Empty) + $"\"{field}\":{replacement}}}"), Json);
            }
        }

        yield return new("BOM", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(json)], Json);
        yield return new("text/plain", Encoding.UTF8.GetBytes(json), "text/plain");
        yield return new("form", Encoding.UTF8.GetBytes("type=message&text=help"), "application/x-www-form-urlencoded");
        yield return new("escaped lone surrogate", Encoding.UTF8.GetBytes(json.Replace("help", "\\ud800help\\u0000", StringComparison.Ordinal)), Json);
    }

    private static string Describe(JsonNode node)
    {
        string text = node.ToJsonString();
        return text.Length > 40 ? text[..40] + $"… ({text.Length} chars)" : text;
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        byte[] bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static IEnumerable<string> Paths(JsonNode? node, string prefix)
    {
        if (node is JsonObject obj)
        {
            foreach ((string key, JsonNode? value) in obj)
            {
                string path = prefix.Length == 0 ? key : prefix + "." + key;
                yield return path;
                foreach (string inner in Paths(value, path))
                {
                    yield return inner;
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (int i = 0; i < array.Count; i++)
            {
                string path = $"{prefix}[{i}]";
                yield return path;
                foreach (string inner in Paths(array[i], path))
                {
                    yield return inner;
                }
            }
        }
    }

    private static void Set(JsonNode root, string path, JsonNode? value)
    {
        // Paths are "a.b[0].c"; walk to the parent and replace the last step.
        var steps = new List<object>();
        foreach (string part in path.Split('.'))
        {
            string name = part;
            int bracket = name.IndexOf('[', StringComparison.Ordinal);
            if (bracket != 0)
            {
                steps.Add(bracket < 0 ? name : name[..bracket]);
            }

            while (bracket >= 0)
            {
                int close = name.IndexOf(']', bracket);
                steps.Add(int.Parse(name[(bracket + 1)..close], System.Globalization.CultureInfo.InvariantCulture));
                bracket = name.IndexOf('[', close);
            }
        }

        JsonNode parent = root;
        foreach (object step in steps.SkipLast(1))
        {
            parent = step is int index ? parent[index]! : parent[(string)step]!;
        }

        if (steps[^1] is int last)
        {
            parent.AsArray()[last] = value;
        }
        else
        {
            parent.AsObject()[(string)steps[^1]] = value;
        }
    }
}
