namespace CopilotBot.Charts;

/// <summary>
/// The built-in label font: 5×7 glyph designs (two more rows below the baseline for descenders) drawn at
/// <see cref="Scale"/>× with Scale2x edge smoothing, so diagonals and curves step by one pixel rather than two: a cap
/// height of 14 px, legible in a card shown at two thirds of the image's width. Glyphs are proportional (empty columns
/// trimmed, one design column between letters). Digits, ASCII letters and punctuation, and $ € % − · ~ … × ▲; any other
/// character is drawn as a box, never an error.
/// </summary>
public static class BitmapFont
{
    /// <summary>Pixels per design pixel.</summary>
    public const int Scale = 2;

    /// <summary>Rows from the top of a line to the bottom of descenders.</summary>
    public const int LineHeight = DesignLineHeight * Scale;

    /// <summary>Rows above the baseline.</summary>
    public const int CapHeight = DesignCapHeight * Scale;

    private const int DesignLineHeight = 9;
    private const int DesignCapHeight = 7;
    private const int SpaceAdvance = 3 * Scale;

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

    private static readonly Glyph Box = Scaled(
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

        return Math.Max(0, width - Scale);
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

    private static int Advance(char c) => c == ' ' ? SpaceAdvance : (Table.GetValueOrDefault(c) ?? Box).Width + Scale;

    private static Dictionary<char, Glyph> Parse()
    {
        var table = new Dictionary<char, Glyph>();
        foreach (string line in Glyphs.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            bool[][] rows = parts[1..].Select(r => r.Select(ch => ch == '#').ToArray()).ToArray();
            if (parts[0].Length != 1 || rows.Length is not (DesignCapHeight or DesignLineHeight) || rows.Any(r => r.Length != 5))
            {
                throw new InvalidOperationException($"Bad glyph definition: {line}");
            }

            int width = Enumerable.Range(0, 5).LastOrDefault(col => rows.Any(r => r[col]), -1) + 1;
            table.Add(parts[0][0], Scaled(rows, Math.Max(1, width)));
        }

        return table;
    }

    /// <summary>
    /// A design glyph at <see cref="Scale"/>× by Scale2x (EPX): each pixel becomes 2×2, and a corner of the block takes the
    /// colour of the two neighbours it touches when they agree and the other two do not, which rounds diagonals and curves
    /// without adding colours (the font stays one ink, so PNGs stay small).
    /// </summary>
    private static Glyph Scaled(bool[][] rows, int width)
    {
        int h = rows.Length;
        bool At(int r, int c) => r >= 0 && r < h && c >= 0 && c < 5 && rows[r][c];
        var scaled = new bool[h * Scale][];
        for (int r = 0; r < scaled.Length; r++)
        {
            scaled[r] = new bool[5 * Scale];
        }

        for (int r = 0; r < h; r++)
        {
            for (int c = 0; c < 5; c++)
            {
                bool p = At(r, c), a = At(r - 1, c), b = At(r, c + 1), left = At(r, c - 1), d = At(r + 1, c);
                scaled[2 * r][2 * c] = left == a && left != d && a != b ? a : p;
                scaled[2 * r][(2 * c) + 1] = a == b && a != left && b != d ? b : p;
                scaled[(2 * r) + 1][2 * c] = d == left && d != b && left != a ? left : p;
                scaled[(2 * r) + 1][(2 * c) + 1] = b == d && b != a && d != left ? d : p;
            }
        }

        return new Glyph(scaled, width * Scale);
    }

    private sealed record Glyph(bool[][] Rows, int Width);
}
