using System.Buffers.Binary;

namespace TokenWorkers.Testing;

/// <summary>The smallest headers of each format that state a size (the pixel data is not needed to check it).</summary>
/// <remarks>Shared as a source file by the worker's tests and the sandbox's, which are separate assemblies.</remarks>
internal static class TestImages
{
    public static byte[] Png(int width = 640, int height = 480)
    {
        var bytes = new byte[33];
        new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, (byte)'I', (byte)'H', (byte)'D', (byte)'R' }.CopyTo(bytes, 0);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
        bytes[24] = 8;
        bytes[25] = 2;
        return bytes;
    }

    public static byte[] Gif(ushort width, ushort height)
    {
        var bytes = new byte[13];
        "GIF89a"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), width);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), height);
        return bytes;
    }

    /// <summary>
    /// A valid animated GIF89a of 1×1 frames as an encoder writes it: a global color table, the NETSCAPE2.0 looping
    /// extension, then per frame a graphic control extension, an image descriptor (with a local color table when asked)
    /// and its LZW data, and the trailer.
    /// </summary>
    public static byte[] AnimatedGif(int frames, bool localColorTables = false)
    {
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange(new byte[] { 1, 0, 1, 0, 0x80, 0, 0 }); // 1×1, a global table of two colors
        gif.AddRange(new byte[] { 0, 0, 0, 0xFF, 0xFF, 0xFF });
        gif.AddRange(new byte[] { 0x21, 0xFF, 11 });
        gif.AddRange("NETSCAPE2.0"u8.ToArray());
        gif.AddRange(new byte[] { 3, 1, 0, 0, 0 });
        for (var i = 0; i < frames; i++)
        {
            gif.AddRange(new byte[] { 0x21, 0xF9, 4, 0, 10, 0, 0, 0 });
            gif.AddRange(new byte[] { 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, localColorTables ? (byte)0x80 : (byte)0 });
            if (localColorTables)
            {
                gif.AddRange(new byte[] { 0xFF, 0, 0, 0, 0, 0xFF });
            }

            gif.AddRange(new byte[] { 2, 2, 0x44, 0x01, 0 });
        }

        gif.Add(0x3B);
        return [.. gif];
    }

    /// <summary>SOI, an APP0 segment, then a baseline SOF0 stating the size.</summary>
    public static byte[] Jpeg(ushort width, ushort height)
    {
        var app0 = new byte[] { 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0 };
        var sof = new byte[] { 0xFF, 0xC0, 0x00, 0x11, 8, 0, 0, 0, 0, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1 };
        BinaryPrimitives.WriteUInt16BigEndian(sof.AsSpan(5), height);
        BinaryPrimitives.WriteUInt16BigEndian(sof.AsSpan(7), width);
        return [0xFF, 0xD8, .. app0, .. sof, 0xFF, 0xD9];
    }
}
