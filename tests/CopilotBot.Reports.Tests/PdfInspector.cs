using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Content;
using PdfSharp.Pdf.Content.Objects;
using PdfSharp.Pdf.IO;

namespace CopilotBot.Reports.Tests;

/// <summary>
/// Reads a PDF back with PDFsharp's reader and extracts what was really drawn: per page, every text-showing operator's
/// string decoded through its font's ToUnicode map (the same map a viewer uses to copy text), in drawing order.
/// </summary>
internal static partial class PdfInspector
{
    public static PdfDocument Open(byte[] bytes) => PdfReader.Open(new MemoryStream(bytes), PdfDocumentOpenMode.Import);

    /// <summary>Text runs (one per Tj/TJ) of each page.</summary>
    public static List<List<string>> TextRuns(byte[] bytes)
    {
        using var doc = Open(bytes);
        var pages = new List<List<string>>();
        foreach (var page in doc.Pages)
        {
            var maps = new Dictionary<string, Dictionary<int, string>>();
            var fonts = page.Resources.Elements.GetDictionary("/Font");
            if (fonts is not null)
            {
                foreach (var key in fonts.Elements.Keys)
                {
                    var font = fonts.Elements.GetDictionary(key);
                    var toUnicode = font?.Elements.GetDictionary("/ToUnicode");
                    if (toUnicode?.Stream is { } stream)
                    {
                        maps[key] = ParseCMap(Encoding.Latin1.GetString(stream.UnfilteredValue));
                    }
                }
            }

            var runs = new List<string>();
            var current = new Dictionary<int, string>();
            var currentIsUnicode = false;
            foreach (var op in Operators(ContentReader.ReadContent(page)))
            {
                switch (op.OpCode.Name)
                {
                    case "Tf":
                        var name = ((CName)op.Operands[0]).Name;
                        currentIsUnicode = maps.TryGetValue(name, out current!);
                        break;
                    case "Tj":
                        runs.Add(Decode((CString)op.Operands[0], current, currentIsUnicode));
                        break;
                    case "TJ":
                        runs.Add(string.Concat(((CArray)op.Operands[0]).OfType<CString>().Select(s => Decode(s, current, currentIsUnicode))));
                        break;
                }
            }

            pages.Add(runs);
        }

        return pages;
    }

    /// <summary>How many image XObjects the file holds.</summary>
    public static int ImageCount(byte[] bytes)
    {
        using var doc = Open(bytes);
        var images = new HashSet<PdfDictionary>(ReferenceEqualityComparer.Instance);
        foreach (var page in doc.Pages)
        {
            var xobjects = page.Resources.Elements.GetDictionary("/XObject");
            if (xobjects is null)
            {
                continue;
            }

            foreach (var key in xobjects.Elements.Keys)
            {
                var x = xobjects.Elements.GetDictionary(key);
                if (x?.Elements.GetName("/Subtype") == "/Image")
                {
                    images.Add(x);
                }
            }
        }

        return images.Count;
    }

    /// <summary>The size in points each image is drawn at (from the <c>cm</c> operator before its <c>Do</c>), per page.</summary>
    public static List<(int Page, double Width, double Height)> ImagePlacements(byte[] bytes)
    {
        using var doc = Open(bytes);
        var placements = new List<(int, double, double)>();
        for (var p = 0; p < doc.PageCount; p++)
        {
            double[]? matrix = null;
            foreach (var op in Operators(ContentReader.ReadContent(doc.Pages[p])))
            {
                if (op.OpCode.Name == "cm")
                {
                    matrix = op.Operands.Select(Number).ToArray();
                }
                else if (op.OpCode.Name == "Do" && matrix is not null)
                {
                    placements.Add((p, Math.Abs(matrix[0]), Math.Abs(matrix[3])));
                }
            }
        }

        return placements;
    }

    private static double Number(CObject o) => o switch
    {
        CReal r => r.Value,
        CInteger i => i.Value,
        _ => double.NaN,
    };

    private static IEnumerable<COperator> Operators(CSequence sequence)
    {
        foreach (var item in sequence)
        {
            if (item is COperator op)
            {
                yield return op;
            }
            else if (item is CSequence inner)
            {
                foreach (var nested in Operators(inner))
                {
                    yield return nested;
                }
            }
        }
    }

    private static string Decode(CString s, Dictionary<int, string> map, bool unicode)
    {
        if (!unicode)
        {
            return s.Value;
        }

        var sb = new StringBuilder();
        var codes = s.Value;
        for (var i = 0; i + 1 < codes.Length; i += 2)
        {
            var code = (codes[i] << 8) | codes[i + 1];
            sb.Append(map.TryGetValue(code, out var text) ? text : "\u0000");
        }

        return sb.ToString();
    }

    private static Dictionary<int, string> ParseCMap(string cmap)
    {
        var map = new Dictionary<int, string>();
        foreach (Match section in BfRange().Matches(cmap))
        {
            foreach (Match m in Triple().Matches(section.Groups[1].Value))
            {
                var from = Hex(m.Groups[1].Value);
                var to = Hex(m.Groups[2].Value);
                var first = Utf16(m.Groups[3].Value);
                for (var code = from; code <= to; code++)
                {
                    map[code] = char.ConvertFromUtf32(char.ConvertToUtf32(first, 0) + (code - from));
                }
            }
        }

        foreach (Match section in BfChar().Matches(cmap))
        {
            foreach (Match m in Pair().Matches(section.Groups[1].Value))
            {
                map[Hex(m.Groups[1].Value)] = Utf16(m.Groups[2].Value);
            }
        }

        return map;
    }

    private static int Hex(string hex) => int.Parse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static string Utf16(string hex) => Encoding.BigEndianUnicode.GetString(Convert.FromHexString(hex));

    [GeneratedRegex(@"beginbfrange(.*?)endbfrange", RegexOptions.Singleline)]
    private static partial Regex BfRange();

    [GeneratedRegex(@"beginbfchar(.*?)endbfchar", RegexOptions.Singleline)]
    private static partial Regex BfChar();

    [GeneratedRegex(@"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")]
    private static partial Regex Triple();

    [GeneratedRegex(@"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")]
    private static partial Regex Pair();
}
