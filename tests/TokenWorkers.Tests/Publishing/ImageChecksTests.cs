using System.Buffers.Binary;
using TokenWorkers.Publishing;

namespace TokenWorkers.Tests.Publishing;

/// <summary>The image's type comes from its first bytes and its size from its header, as LinkedIn's limits need them.</summary>
public sealed class ImageChecksTests
{
    [Fact]
    public void A_png_gif_and_jpeg_are_recognised_by_their_first_bytes()
    {
        Assert.Equal(("image/png", (string?)null), ImageChecks.Inspect(TestImages.Png(640, 480)));
        Assert.Equal(("image/gif", (string?)null), ImageChecks.Inspect(TestImages.Gif(640, 480)));
        Assert.Equal(("image/jpeg", (string?)null), ImageChecks.Inspect(TestImages.Jpeg(640, 480)));
    }

    [Fact]
    public void Anything_else_is_refused_whatever_it_is_called()
    {
        var (type, problem) = ImageChecks.Inspect("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"u8);

        Assert.Null(type);
        Assert.Contains("is not a JPG, GIF or PNG", problem, StringComparison.Ordinal);
        Assert.NotNull(ImageChecks.Inspect([.. "RIFF"u8, 0, 0, 0, 0, .. "WEBPVP8 "u8]).Problem);
        Assert.NotNull(ImageChecks.Inspect([]).Problem);
    }

    [Fact]
    public void An_image_of_36152320_pixels_or_more_is_refused_and_one_pixel_less_passes()
    {
        // 6016 × 6010 = 36,156,160 ≥ 36,152,320; 36,152,319 is prime-ish, so check the bound with 1 × (limit - 1) as well.
        Assert.Contains("36152320", ImageChecks.Inspect(TestImages.Png(6016, 6010)).Problem, StringComparison.Ordinal);
        Assert.NotNull(ImageChecks.Inspect(TestImages.Png(1, 36_152_320)).Problem);
        Assert.Null(ImageChecks.Inspect(TestImages.Png(1, 36_152_319)).Problem);
        Assert.NotNull(ImageChecks.Inspect(TestImages.Jpeg(6016, 6010)).Problem);
    }

    [Fact]
    public void A_jpeg_without_a_frame_header_states_no_size_and_is_refused()
    {
        byte[] truncated = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, .. new byte[14], 0xFF, 0xDA, 0x00, 0x02];

        Assert.Contains("states no size", ImageChecks.Inspect(truncated).Problem, StringComparison.Ordinal);
    }
}

/// <summary>The smallest headers of each format that state a size (the pixel data is not needed to check it).</summary>
internal static class TestImages
{
    public static byte[] Png(int width, int height)
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
