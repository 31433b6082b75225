using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CopilotBot.Workspace.Storage;

/// <summary>
/// The audit chain's hash, shared by every provider so that <c>audit verify</c> checks any of them the same way:
/// SHA-256 over the length-prefixed fields (no two field lists collide), the time in its whole-second UTC text form.
/// </summary>
public static class AuditHash
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string Compute(long seq, string at, string actor, string action, string? target, string? details, string prevHash)
    {
        var sb = new StringBuilder();
        foreach (string? field in new[] { seq.ToString(CultureInfo.InvariantCulture), at, actor, action, target, details, prevHash })
        {
            if (field is null)
            {
                sb.Append("-1:");
            }
            else
            {
                sb.Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field);
            }

            sb.Append('|');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }
}
