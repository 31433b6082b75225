namespace CopilotBot.Memory.Text;

/// <summary>FNV-1a 64 with a final avalanche: stable across processes and machines (string.GetHashCode is not).</summary>
internal static class FeatureHash
{
    public static ulong Of(ReadOnlySpan<char> text, ulong seed)
    {
        ulong hash = 14695981039346656037UL ^ seed;
        foreach (char c in text)
        {
            hash ^= c;
            hash *= 1099511628211UL;
        }

        return Mix(hash);
    }

    public static ulong Combine(ulong first, ulong second) => Mix(first * 31 + second + 0x9E3779B97F4A7C15UL);

    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return x;
    }
}
