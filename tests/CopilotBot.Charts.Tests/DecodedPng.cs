using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace CopilotBot.Charts.Tests;

/// <summary>
/// An independent reader for the PNGs under test: walks the chunks, recomputes each CRC bit by bit (not with the
/// encoder's table), inflates IDAT with ZLibStream and undoes the scanline filters, so pixel checks see what a viewer sees.
/// </summary>
internal sealed class DecodedPng
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private DecodedPng(int width, int height, byte bitDepth, byte colorType, List<(string Type, int Length)> chunks, (byte R, byte G, byte B)[] palette, byte[] indices)
    {
        (Width, Height, BitDepth, ColorType, Chunks, Palette, Indices) = (width, height, bitDepth, colorType, chunks, palette, indices);
    }

    public int Width { get; }

    public int Height { get; }

    public byte BitDepth { get; }

    public byte ColorType { get; }

    public List<(string Type, int Length)> Chunks { get; }

    public (byte R, byte G, byte B)[] Palette { get; }

    public byte[] Indices { get; }

    public (byte R, byte G, byte B) this[int x, int y] => Palette[Indices[(y * Width) + x]];

    public static DecodedPng Read(byte[] png)
    {
        Assert.True(png.AsSpan(0, 8).SequenceEqual(Signature), "PNG signature");
        int pos = 8, width = 0, height = 0;
        byte depth = 0, type = 0;
        var chunks = new List<(string, int)>();
        (byte, byte, byte)[] palette = [];
        using var idat = new MemoryStream();
        while (pos < png.Length)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(pos));
            string chunkType = Encoding.ASCII.GetString(png, pos + 4, 4);
            byte[] data = png.AsSpan(pos + 8, length).ToArray();
            uint stored = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(pos + 8 + length));
            Assert.True(stored == BitwiseCrc(png.AsSpan(pos + 4, 4 + length)), $"CRC of {chunkType}");
            chunks.Add((chunkType, length));
            switch (chunkType)
            {
                case "IHDR":
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4));
                    (depth, type) = (data[8], data[9]);
                    Assert.Equal(0, data[12]); // not interlaced
                    break;
                case "PLTE":
                    Assert.Equal(0, length % 3);
                    palette = Enumerable.Range(0, length / 3).Select(i => (data[3 * i], data[(3 * i) + 1], data[(3 * i) + 2])).ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
            }

            pos += 12 + length;
        }

        Assert.Equal(png.Length, pos);
        Assert.Equal(8, depth);
        Assert.Equal(3, type);
        byte[] raw;
        using (var inflate = new ZLibStream(new MemoryStream(idat.ToArray()), CompressionMode.Decompress))
        using (var output = new MemoryStream())
        {
            inflate.CopyTo(output);
            raw = output.ToArray();
        }

        Assert.Equal(height * (width + 1), raw.Length);
        var indices = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            byte filter = raw[y * (width + 1)];
            for (int x = 0; x < width; x++)
            {
                byte value = raw[(y * (width + 1)) + 1 + x];
                byte left = x > 0 ? indices[(y * width) + x - 1] : (byte)0;
                byte up = y > 0 ? indices[((y - 1) * width) + x] : (byte)0;
                indices[(y * width) + x] = filter switch
                {
                    0 => value,
                    1 => (byte)(value + left),
                    2 => (byte)(value + up),
                    _ => throw new Xunit.Sdk.XunitException($"unexpected filter {filter} on row {y}"),
                };
            }
        }

        Assert.All(indices, i => Assert.True(i < palette.Length, "index inside the palette"));
        return new DecodedPng(width, height, depth, type, chunks, palette, indices);
    }

    public bool Contains((byte R, byte G, byte B) color, int x0, int y0, int x1, int y1)
    {
        for (int y = Math.Max(0, y0); y < Math.Min(Height, y1); y++)
        {
            for (int x = Math.Max(0, x0); x < Math.Min(Width, x1); x++)
            {
                if (this[x, y] == color)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>CRC-32 computed bit by bit, independently of the encoder's table.</summary>
    public static uint BitwiseCrc(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc >> 1) ^ (0xEDB88320u & (uint)-(int)(crc & 1));
            }
        }

        return ~crc;
    }
}
