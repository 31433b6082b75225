using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Fonts;

namespace CopilotBot.Reports;

/// <summary>
/// The PDF's font: DejaVu Sans (regular and bold, subset to Latin, Greek, Cyrillic, punctuation and common symbols)
/// embedded in this assembly, so a report renders the same on any machine without system fonts. PDFsharp resolves fonts
/// through one process-wide resolver; <see cref="Install"/> registers this one (as the primary resolver when none is set,
/// else as the fallback), once. Characters the font does not have are drawn as U+FFFD (the replacement glyph).
/// </summary>
public static class ReportFonts
{
    /// <summary>The family name the PDF writer asks for.</summary>
    public const string FamilyName = "CopilotBot Sans";

    internal const char Replacement = '\uFFFD';

    private static readonly object Gate = new();
    private static bool _installed;

    /// <summary>
    /// Registers the embedded font with PDFsharp if not yet done. Idempotent and thread-safe; the PDF writer calls it.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another component set both PDFsharp's resolver and its fallback.</exception>
    public static void Install()
    {
        lock (Gate)
        {
            if (_installed)
            {
                return;
            }

            if (GlobalFontSettings.FontResolver is EmbeddedFontResolver || GlobalFontSettings.FallbackFontResolver is EmbeddedFontResolver)
            {
                _installed = true;
                return;
            }

            var resolver = new EmbeddedFontResolver();
            if (GlobalFontSettings.FontResolver is null)
            {
                GlobalFontSettings.FontResolver = resolver;
            }
            else if (GlobalFontSettings.FallbackFontResolver is null)
            {
                GlobalFontSettings.FallbackFontResolver = resolver;
            }
            else
            {
                throw new InvalidOperationException(
                    "PDFsharp already has a font resolver and a fallback resolver; the report font cannot be registered.");
            }

            _installed = true;
        }
    }

    /// <summary>
    /// <paramref name="text"/> with every character <paramref name="font"/> has no glyph for replaced by U+FFFD (spaces and
    /// a valid surrogate pair count as one character), so that drawing it never fails and never loses a character silently.
    /// </summary>
    internal static string Drawable(string text, XFont font)
    {
        StringBuilder? sb = null;
        var i = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            var covered = rune.Value == ' ' || GlyphHelper.GlyphIndexFromCodePoint(rune.Value, font) != 0;
            if (!covered && sb is null)
            {
                sb = new StringBuilder(text.Length);
                sb.Append(text, 0, i);
            }

            if (sb is not null)
            {
                if (covered)
                {
                    sb.Append(rune.ToString());
                }
                else
                {
                    sb.Append(Replacement);
                }
            }

            i += rune.Utf16SequenceLength;
        }

        return sb?.ToString() ?? text;
    }

    private sealed class EmbeddedFontResolver : IFontResolver
    {
        private const string Regular = "DejaVuSans";
        private const string Bold = "DejaVuSans-Bold";

        public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic)
        {
            if (!familyName.Equals(FamilyName, StringComparison.OrdinalIgnoreCase) &&
                !familyName.Equals("DejaVu Sans", StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            return new FontResolverInfo(bold ? Bold : Regular, mustSimulateBold: false, mustSimulateItalic: italic);
        }

        public byte[]? GetFont(string faceName)
        {
            if (faceName is not (Regular or Bold))
            {
                return null;
            }

            using var stream = typeof(ReportFonts).Assembly.GetManifestResourceStream($"CopilotBot.Reports.Fonts.{faceName}.ttf")
                ?? throw new InvalidOperationException($"The embedded font {faceName}.ttf is missing from the assembly.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
    }
}
