namespace CopilotBot.Charts;

/// <summary>
/// The built-in label font: 5×7 glyphs (cap height 7) with two rows below the baseline for descenders, drawn without
/// scaling. Glyphs are proportional (empty columns trimmed, one column between letters). Digits, ASCII letters and
/// punctuation, and $ € % − · ~ … × ▲; any other character is drawn as a box, never an error.
/// </summary>
public static class BitmapFont
{
    /// <summary>Rows from the top of a line to the bottom of descenders.</summary>
    public const int LineHeight = 9;

    /// <summary>Rows above the baseline.</summary>
    public const int CapHeight = 7;

    private const int SpaceAdvance = 3;

    // One glyph per line: the character, then 7 rows (or 9 with descenders) of 5 columns; '#' is ink.
    private const string Glyphs = """
        0 .###. #...# #..## #.#.# ##..# #...# .###.
        1 ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.
        2 .###. #...# ....# ...#. ..#.. .#... #####
        3 ##### ...#. ..#.. ...#. ....# #...# .###.
        4 ...#. ..##. .#.#. #..#. ##### ...#. ...#.
        5 ##### #.... ####. ....# ....# #...# .###.
        6 ..##. .#... #.... ####. #...# #...# .###.
        7 ##### ....# ...#. ..#.. .#... .#... .#...
        8 .###. #...# #...# .###. #...# #...# .###.
        9 .###. #...# #...# .#### ....# ...#. .##..
        A .###. #...# #...# ##### #...# #...# #...#
        B ####. #...# #...# ####. #...# #...# ####.
        C .###. #...# #.... #.... #.... #...# .###.
        D ###.. #..#. #...# #...# #...# #..#. ###..
        E ##### #.... #.... ####. #.... #.... #####
        F ##### #.... #.... ####. #.... #.... #....
        G .###. #...# #.... #.### #...# #...# .####
        H #...# #...# #...# ##### #...# #...# #...#
        I .###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
        J ..### ...#. ...#. ...#. ...#. #..#. .##..
        K #...# #..#. #.#.. ##... #.#.. #..#. #...#
        L #.... #.... #.... #.... #.... #.... #####
        M #...# ##.## #.#.# #.#.# #...# #...# #...#
        N #...# #...# ##..# #.#.# #..## #...# #...#
        O .###. #...# #...# #...# #...# #...# .###.
        P ####. #...# #...# ####. #.... #.... #....
        Q .###. #...# #...# #...# #.#.# #..#. .##.#
        R ####. #...# #...# ####. #.#.. #..#. #...#
        S .#### #.... #.... .###. ....# ....# ####.
        T ##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
        U #...# #...# #...# #...# #...# #...# .###.
        V #...# #...# #...# #...# #...# .#.#. ..#..
        W #...# #...# #...# #.#.# #.#.# #.#.# .#.#.
        X #...# #...# .#.#. ..#.. .#.#. #...# #...#
        Y #...# #...# .#.#. ..#.. ..#.. ..#.. ..#..
        Z ##### ....# ...#. ..#.. .#... #.... #####
        a ..... ..... .###. ....# .#### #...# .####
        b #.... #.... #.##. ##..# #...# #...# ####.
        c ..... ..... .###. #.... #.... #...# .###.
        d ....# ....# .##.# #..## #...# #...# .####
        e ..... ..... .###. #...# ##### #.... .###.
        f ..##. .#..# .#... ###.. .#... .#... .#...
        g ..... ..... .#### #...# #...# #...# .#### ....# .###.
        h #.... #.... #.##. ##..# #...# #...# #...#
        i ..#.. ..... .##.. ..#.. ..#.. ..#.. .###.
        j ...#. ..... ..##. ...#. ...#. ...#. ...#. #..#. .##..
        k #.... #.... #..#. #.#.. ##... #.#.. #..#.
        l .##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
        m ..... ..... ##.#. #.#.# #.#.# #...# #...#
        n ..... ..... #.##. ##..# #...# #...# #...#
        o ..... ..... .###. #...# #...# #...# .###.
        p ..... ..... ####. #...# #...# #...# ####. #.... #....
        q ..... ..... .#### #...# #...# #...# .#### ....# ....#
        r ..... ..... #.##. ##..# #.... #.... #....
        s ..... ..... .###. #.... .###. ....# ####.
        t .#... .#... ###.. .#... .#... .#..# ..##.
        u ..... ..... #...# #...# #...# #..## .##.#
        v ..... ..... #...# #...# #...# .#.#. ..#..
        w ..... ..... #...# #...# #.#.# #.#.# .#.#.
        x ..... ..... #...# .#.#. ..#.. .#.#. #...#
        y ..... ..... #...# #...# #...# #...# .#### ....# .###.
        z ..... ..... ##### ...#. ..#.. .#... #####
        . ..... ..... ..... ..... ..... ##... ##...
        , ..... ..... ..... ..... ..... ##... ##... .#... #....
        : ..... ##... ##... ..... ##... ##... .....
        ; ..... ##... ##... ..... ..... ##... ##... .#... #....
        - ..... ..... ..... ###.. ..... ..... .....
        − ..... ..... ..... ##### ..... ..... .....
        – ..... ..... ..... ##### ..... ..... .....
        — ..... ..... ..... ##### ..... ..... .....
        + ..... ..#.. ..#.. ##### ..#.. ..#.. .....
        = ..... ..... ##### ..... ##### ..... .....
        / ....# ....# ...#. ..#.. .#... #.... #....
        \ #.... #.... .#... ..#.. ...#. ....# ....#
        ( ..#.. .#... #.... #.... #.... .#... ..#..
        ) #.... .#... ..#.. ..#.. ..#.. .#... #....
        [ ###.. #.... #.... #.... #.... #.... ###..
        ] ###.. ..#.. ..#.. ..#.. ..#.. ..#.. ###..
        % ##... ##..# ...#. ..#.. .#... #..## ...##
        $ ..#.. .#### #.#.. .###. ..#.# ####. ..#..
        € ..### .#... ####. .#... ####. .#... ..###
        · ..... ..... ..... ##... ##... ..... .....
        ~ ..... ..... .#... #.#.# ...#. ..... .....
        ! #.... #.... #.... #.... #.... ..... #....
        ? .###. #...# ....# ...#. ..#.. ..... ..#..
        ' #.... #.... #.... ..... ..... ..... .....
        ’ .#... .#... #.... ..... ..... ..... .....
        " #.#.. #.#.. ..... ..... ..... ..... .....
        # .#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.
        & .##.. #..#. #.#.. .#... #.#.# #..#. .##.#
        * ..... ..#.. #.#.# .###. #.#.# ..#.. .....
        < ...#. ..#.. .#... #.... .#... ..#.. ...#.
        > #.... .#... ..#.. ...#. ..#.. .#... #....
        _ ..... ..... ..... ..... ..... ..... #####
        @ .###. #...# #.### #.#.# #.### #.... .###.
        | #.... #.... #.... #.... #.... #.... #.... #.... #....
        … ..... ..... ..... ..... ..... ..... #.#.#
        × ..... #...# .#.#. ..#.. .#.#. #...# .....
        ▲ ..... ..#.. ..#.. .###. .###. ##### .....
        ▼ ..... ##### .###. .###. ..#.. ..#.. .....
        """;

    private static readonly Dictionary<char, Glyph> Table = Parse();

    private static readonly Glyph Box = new(
        [
            [true, true, true, true, true], [true, false, false, false, true], [true, false, false, false, true], [true, false, false, false, true],
            [true, false, false, false, true], [true, false, false, false, true], [true, true, true, true, true],
        ],
        5);

    /// <summary>Whether <paramref name="c"/> has its own glyph (anything else is drawn as a box).</summary>
    public static bool Supports(char c) => c == ' ' || Table.ContainsKey(c);

    /// <summary>Width in pixels of <paramref name="text"/> (no trailing gap).</summary>
    public static int Measure(string text, bool bold = false)
    {
        int width = 0;
        foreach (char c in text)
        {
            width += Advance(c) + (bold ? 1 : 0);
        }

        return Math.Max(0, width - 1);
    }

    /// <summary>Calls <paramref name="ink"/> for every lit pixel of <paramref name="text"/> with its top-left at (x, y); bold doubles each column.</summary>
    public static void Draw(string text, int x, int y, Action<int, int> ink, bool bold = false)
    {
        foreach (char c in text)
        {
            if (c != ' ')
            {
                Glyph glyph = Table.GetValueOrDefault(c) ?? Box;
                for (int row = 0; row < glyph.Rows.Length; row++)
                {
                    for (int col = 0; col < glyph.Width; col++)
                    {
                        if (glyph.Rows[row][col])
                        {
                            ink(x + col, y + row);
                            if (bold)
                            {
                                ink(x + col + 1, y + row);
                            }
                        }
                    }
                }
            }

            x += Advance(c) + (bold ? 1 : 0);
        }
    }

    private static int Advance(char c) => c == ' ' ? SpaceAdvance : (Table.GetValueOrDefault(c) ?? Box).Width + 1;

    private static Dictionary<char, Glyph> Parse()
    {
        var table = new Dictionary<char, Glyph>();
        foreach (string line in Glyphs.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            bool[][] rows = parts[1..].Select(r => r.Select(ch => ch == '#').ToArray()).ToArray();
            if (parts[0].Length != 1 || rows.Length is not (CapHeight or LineHeight) || rows.Any(r => r.Length != 5))
            {
                throw new InvalidOperationException($"Bad glyph definition: {line}");
            }

            int width = Enumerable.Range(0, 5).LastOrDefault(col => rows.Any(r => r[col]), -1) + 1;
            table.Add(parts[0][0], new Glyph(rows, Math.Max(1, width)));
        }

        return table;
    }

    private sealed record Glyph(bool[][] Rows, int Width);
}
