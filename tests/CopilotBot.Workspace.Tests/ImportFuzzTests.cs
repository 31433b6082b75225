using System.Text;
using CopilotBot.Workspace.Domain;
using CopilotBot.Workspace.Import;

namespace CopilotBot.Workspace.Tests;

/// <summary>
/// The importers under hostile files (seeded, so a failure replays): every file either imports with its problems
/// reported by line or is refused with a <see cref="WorkspaceException"/> saying why — never another exception — and
/// what was stored before is never lost. Files in which no row can be valid change nothing at all (data hash).
/// </summary>
public sealed class ImportFuzzTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 11, 21);
    private readonly TempWorkspace _temp = new();

    public ImportFuzzTests()
    {
        _temp.Workspace.Users.UpsertAsync([new User("jo.csm", "Jo Csm", "jo@example.com", UserRole.Csm, null)]).GetAwaiter().GetResult();
        _temp.Workspace.Accounts.UpsertAsync([new Account("KEEP", "Kept Co", Tier.Gold, 50000m, Region.EMEA, "Retail", "jo.csm", null, null, null)]).GetAwaiter().GetResult();
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>A valid file per kind: its header and one good row (CSV), and the same as one JSON line.</summary>
    private static readonly Dictionary<ImportKind, (string Header, string Row, string Json)> Valid = new()
    {
        [ImportKind.Accounts] = ("id,name,tier,arr,region,owner", "F1,Fuzz Co,Silver,12000,NA,jo.csm", """{"id":"F1","name":"Fuzz Co","tier":"Silver","arr":12000,"region":"NA"}"""),
        [ImportKind.Users] = ("id,name,role,email", "fuzz.user,Fuzz User,csm,f@example.com", """{"id":"fuzz.user","name":"Fuzz User","role":"csm"}"""),
        [ImportKind.Usage] = ("account_id,month,active_users,logins", "KEEP,2026-09,12,300", """{"account_id":"KEEP","month":"2026-09","active_users":12}"""),
        [ImportKind.Payments] = ("id,account_id,due_date,amount", "INV-F1,KEEP,2026-10-01,1200", """{"id":"INV-F1","account_id":"KEEP","due_date":"2026-10-01","amount":1200}"""),
        [ImportKind.Conversations] = ("conversation_id,account_id,speaker,text", "C-F1,KEEP,customer,the invoice is wrong", """{"conversation_id":"C-F1","account_id":"KEEP","turns":[{"speaker":"customer","text":"hello"}]}"""),
        [ImportKind.Tasks] = ("title,account_id,due_date,assignee", "Call back,KEEP,2026-12-01,jo.csm", """{"title":"Call back","account_id":"KEEP"}"""),
        [ImportKind.Features] = ("name,requires,min_plan,key", "Fuzz feature,SSO,pro,yes", """{"name":"Fuzz feature","requires":["SSO"],"min_plan":"pro"}"""),
        [ImportKind.Subscriptions] = ("account_id,date,plan,seats,arr", "KEEP,2026-01-01,pro,10,1200", """{"account_id":"KEEP","date":"2026-01-01","plan":"pro","seats":10,"arr":1200}"""),
    };

    private static readonly string[] Hostile =
    [
        "", "\0", "\uFEFF", "\u202E", "\uD800", "\uDFFF", "👩‍👩‍👧‍👦", "\"", "\"\"\"", ",,,,,,,,,,,,,,,,,,,,", "\r", "\n\n\n", "{", "}", "[", "null",
        "-1", "1e400", "NaN", "-0", "9999999999999999999999", "2026-02-30", "0000-00-00", "true", "{\"a\":", new string('x', 100_000),
        "'; DROP TABLE accounts; --", "<script>alert(1)</script>", "%s%n", "\\u0000", "ＫＥＥＰ", "keep", " KEEP ",
    ];

    private static string Mutate(Random random, ImportKind kind, bool json)
    {
        (string header, string row, string jsonRow) = Valid[kind];
        string Pick() => Hostile[random.Next(Hostile.Length)];
        switch (random.Next(json ? 6 : 7))
        {
            case 0: // a field replaced by something hostile
            {
                string[] fields = row.Split(',');
                fields[random.Next(fields.Length)] = Pick();
                return header + "\n" + string.Join(",", fields) + "\n";
            }
            case 1: // truncated anywhere
            {
                string whole = json ? jsonRow + "\n" + jsonRow : header + "\n" + row + "\n" + row;
                return whole[..random.Next(whole.Length)];
            }
            case 2: // hostile text spliced in at a random position
            {
                string whole = json ? jsonRow : header + "\n" + row;
                int at = random.Next(whole.Length + 1);
                return whole[..at] + Pick() + whole[at..];
            }
            case 3: // a JSON line whose values have the wrong types
                return jsonRow.Replace(":\"", ":[\"", StringComparison.Ordinal).Replace("\",", "\"],", StringComparison.Ordinal) + "\n" + "{\"id\":{\"deep\":" + new string('[', 200) + new string(']', 200) + "}}\n";
            case 4: // random bytes of every kind, valid UTF-8 or not
            {
                byte[] bytes = new byte[random.Next(1, 400)];
                random.NextBytes(bytes);
                return Encoding.Latin1.GetString(bytes);
            }
            case 5: // many columns and unbalanced quotes
                return header + ",extra" + string.Concat(Enumerable.Repeat(",x", 300)) + "\n\"" + row + "\n" + row + ",\"unterminated\n";
            default: // the header alone, or a header with duplicate and blank names
                return random.Next(2) == 0 ? header + "\n" : header + "," + header.Split(',')[0] + ",,\n" + row + ",dup,,\n";
        }
    }

    [Fact]
    public async Task HostileFiles_AreReportedOrRefusedClearly_AndNothingStoredBeforeIsLost()
    {
        var importer = new WorkspaceImporter(_temp.Workspace, Today);
        var random = new Random(20261203);
        int refused = 0, reported = 0;
        for (int i = 0; i < 240; i++)
        {
            ImportKind kind = Valid.Keys.ElementAt(i % Valid.Count);
            bool json = random.Next(2) == 0;
            string content = Mutate(random, kind, json);
            string path = Path.Combine(_temp.Directory, $"fuzz-{i}{(json ? ".jsonl" : ".csv")}");
            await File.WriteAllTextAsync(path, content, Encoding.Latin1);
            try
            {
                ImportReport report = await importer.ImportAsync(kind, path);
                Assert.True(report.Inserted + report.Updated + report.Rejected <= Math.Max(report.RowsRead, 1) * 2, $"case {i}: counts out of range");
                Assert.All(report.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message), $"case {i}: an error without a message"));
                reported += report.Rejected > 0 ? 1 : 0;
            }
            catch (WorkspaceException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                Assert.DoesNotContain("   at ", ex.Message, StringComparison.Ordinal);
                refused++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"case {i} ({kind}, {(json ? "jsonl" : "csv")}): {ex.GetType().Name}: {ex.Message}\n--- file ---\n{content[..Math.Min(content.Length, 300)]}");
            }

            Account? kept = await _temp.Workspace.Accounts.GetAsync("KEEP");
            Assert.True(kept is { Name: "Kept Co", Tier: Tier.Gold, Arr: 50000m, OwnerId: "jo.csm" }, $"case {i}: the stored account changed");
        }

        // Both outcomes were exercised: bad rows reported, whole files refused.
        Assert.InRange(refused, 10, 230);
        Assert.InRange(reported, 10, 230);
    }

    [Fact]
    public async Task FilesWhereNoRowCanBeValid_ChangeNothing()
    {
        var importer = new WorkspaceImporter(_temp.Workspace, Today);
        string before = await _temp.Workspace.DataHashAsync();
        var random = new Random(7);
        foreach (ImportKind kind in Valid.Keys)
        {
            foreach (string hostile in Hostile)
            {
                // Every required field hostile at once: nothing here names a valid row.
                string header = Valid[kind].Header;
                int columns = header.Split(',').Length;
                string row = string.Join(",", Enumerable.Range(0, columns).Select(_ => "\"" + hostile.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
                if (kind is ImportKind.Tasks or ImportKind.Conversations or ImportKind.Users or ImportKind.Features)
                {
                    // These accept almost any text in their free-text fields; break the reference instead.
                    row = kind switch
                    {
                        ImportKind.Tasks => $"\"{hostile.Replace("\"", "\"\"", StringComparison.Ordinal)}\",NOPE-{random.Next()},not-a-date,nobody",
                        ImportKind.Conversations => $"C-X,NOPE-{random.Next()},customer,hello",
                        ImportKind.Features => $"\"{hostile.Replace("\"", "\"\"", StringComparison.Ordinal)}\",,platinum,maybe",
                        _ => $"\"{hostile.Replace("\"", "\"\"", StringComparison.Ordinal)}\",Name,emperor,x",
                    };
                }

                // Lone surrogates cannot be written as UTF-8: they reach the file as its replacement character.
                string path = Path.Combine(_temp.Directory, $"bad-{kind}.csv");
                await File.WriteAllTextAsync(path, header + "\n" + row + "\n", new UTF8Encoding(false, throwOnInvalidBytes: false));
                try
                {
                    await importer.ImportAsync(kind, path);
                }
                catch (WorkspaceException)
                {
                }

                Assert.True(before == await _temp.Workspace.DataHashAsync(), $"{kind} with '{hostile[..Math.Min(hostile.Length, 20)]}' changed the workspace");
            }
        }
    }
}
