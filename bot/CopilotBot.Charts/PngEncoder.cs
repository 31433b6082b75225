using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace CopilotBot.Charts;

/// <summary>
/// Writes an 8-bit indexed-colour PNG (colour type 3): signature, IHDR, PLTE, one IDAT (zlib, filter type 0 on every
/// scanline — the PNG specification's advice for palette images), IEND. Deterministic: the same pixels give the same bytes.
/// </summary>
public static class PngEncoder
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <param name="indices">One palette index per pixel, row by row (<paramref name="width"/> × <paramref name="height"/>).</param>
    /// <param name="palette">1–256 colours.</param>
    public static byte[] EncodeIndexed(int width, int height, ReadOnlySpan<byte> indices, IReadOnlyList<Rgb> palette)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (indices.Length != width * height)
        {
            throw new ArgumentException($"Expected {width * height} pixel indices for {width}×{height}, got {indices.Length}.", nameof(indices));
        }

        if (palette.Count is < 1 or > 256)
        {
            throw new ArgumentException($"A PNG palette holds 1–256 colours, not {palette.Count}.", nameof(palette));
        }

        foreach (byte index in indices)
        {
            if (index >= palette.Count)
            {
                throw new ArgumentException($"Pixel index {index} is outside the {palette.Count}-colour palette.", nameof(indices));
            }
        }

        using var png = new MemoryStream();
        png.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], height);
        header[8] = 8;  // bit depth
        header[9] = 3;  // colour type: indexed
        header[10] = 0; // compression: deflate
        header[11] = 0; // filter method 0
        header[12] = 0; // no interlace
        WriteChunk(png, "IHDR", header);

        byte[] plte = new byte[palette.Count * 3];
        for (int i = 0; i < palette.Count; i++)
        {
            (plte[3 * i], plte[(3 * i) + 1], plte[(3 * i) + 2]) = (palette[i].R, palette[i].G, palette[i].B);
        }

        WriteChunk(png, "PLTE", plte);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter type None
                zlib.Write(indices.Slice(y * width, width));
            }
        }

        WriteChunk(png, "IDAT", compressed.GetBuffer().AsSpan(0, (int)compressed.Length));
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        byte[] typeBytes = Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }
}

/// <summary>CRC-32 (ISO-HDLC, polynomial 0xEDB88320 reflected), as PNG chunks carry it over type and data.</summary>
public static class Crc32
{
    private static readonly uint[] Table = BuildTable();

    /// <summary>The CRC of <paramref name="data"/> (initial value and final XOR applied).</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Update(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;

    internal static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}

/// <summary>An opaque colour.</summary>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb Blend(Rgb under, Rgb over, double alpha) => new(Mix(under.R, over.R, alpha), Mix(under.G, over.G, alpha), Mix(under.B, over.B, alpha));

    public override string ToString() => $"#{R:X2}{G:X2}{B:X2}";

    private static byte Mix(byte a, byte b, double t) => (byte)Math.Clamp(Math.Round(a + ((b - a) * t)), 0, 255);
}
