using TokenWorkers.Publishing;
using TokenWorkers.Testing;

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
    public void A_gif_of_more_than_250_frames_is_refused_and_one_of_250_passes()
    {
        Assert.Equal(("image/gif", (string?)null), ImageChecks.Inspect(TestImages.AnimatedGif(250)));
        Assert.Equal(("image/gif", (string?)null), ImageChecks.Inspect(TestImages.AnimatedGif(250, localColorTables: true)));

        var (type, problem) = ImageChecks.Inspect(TestImages.AnimatedGif(251));
        Assert.Null(type);
        Assert.Equal("is a GIF of more than 250 frames; LinkedIn takes up to 250", problem);
        Assert.NotNull(ImageChecks.Inspect(TestImages.AnimatedGif(251, localColorTables: true)).Problem);
    }

    [Fact]
    public void Frames_are_counted_by_walking_the_blocks_and_a_gif_cut_short_counts_the_frames_it_holds()
    {
        // Each frame is 23 bytes, then the trailer: cutting 10 bytes leaves the 251st frame's descriptor incomplete.
        var cut = TestImages.AnimatedGif(251);
        Assert.Null(ImageChecks.Inspect(cut.AsSpan(0, cut.Length - 10)).Problem);

        var three = TestImages.AnimatedGif(3, localColorTables: true);
        for (var length = 0; length <= three.Length; length++)
        {
            _ = ImageChecks.Inspect(three.AsSpan(0, length)); // never throws, wherever the bytes end
        }
    }

    [Fact]
    public void A_jpeg_without_a_frame_header_states_no_size_and_is_refused()
    {
        byte[] truncated = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, .. new byte[14], 0xFF, 0xDA, 0x00, 0x02];

        Assert.Contains("states no size", ImageChecks.Inspect(truncated).Problem, StringComparison.Ordinal);
    }
}
