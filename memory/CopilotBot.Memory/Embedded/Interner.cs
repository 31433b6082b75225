namespace CopilotBot.Memory.Embedded;

/// <summary>Maps payload strings to small ints so filters compare ints per point instead of strings.</summary>
internal sealed class Interner
{
    private readonly Dictionary<string, int> _keys = new(StringComparer.Ordinal);

    public int Count => _keys.Count;

    public int Intern(string? value)
    {
        if (value is null)
        {
            return -1;
        }

        if (!_keys.TryGetValue(value, out int key))
        {
            key = _keys.Count;
            _keys[value] = key;
        }

        return key;
    }

    public int Find(string value) => _keys.TryGetValue(value, out int key) ? key : -1;
}
