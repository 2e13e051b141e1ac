using System.Buffers.Binary;
using System.Globalization;
using TokenWorkers.Publishing;

namespace TokenWorkers.Sandbox.Api;

/// <summary>
/// What LinkedIn's image processing checks (docs/linkedin-api.md §10.4): JPG, GIF or PNG, told by magic bytes, and fewer than
/// 36,152,320 pixels, read from the PNG IHDR, the GIF logical screen or the JPEG SOF header; a GIF of at most 250 frames.
/// </summary>
internal static class ImageFormat
{
    /// <summary>"Images with less than 36,152,320 pixels": this many and more fail.</summary>
    public const long PixelLimit = 36_152_320;

    public static ImageInspection Inspect(ReadOnlySpan<byte> bytes)
    {
        var (type, width, height) = Header(bytes);
        if (type is null)
        {
            return new ImageInspection(null, null, null, "The uploaded file is not a JPG, GIF or PNG image");
        }

        if (width is not > 0 || height is not > 0)
        {
            return new ImageInspection(type, null, null, $"The {type} header could not be read");
        }

        var pixels = (long)width.Value * height.Value;
        if (pixels >= PixelLimit)
        {
            return new ImageInspection(type, width, height, string.Create(CultureInfo.InvariantCulture,
                $"The image has {pixels:N0} pixels ({width}x{height}); images must have less than {PixelLimit:N0} pixels"));
        }

        return type == "image/gif" && GifFrames.Count(bytes) > GifFrames.Max
            ? new ImageInspection(type, width, height, $"The GIF has more than {GifFrames.Max} frames; GIF format supports up to {GifFrames.Max} frames")
            : new ImageInspection(type, width, height, null);
    }

    private static (string? Type, int? Width, int? Height) Header(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return b.Length >= 24 && b[12..16].SequenceEqual("IHDR"u8)
                ? ("image/png", ToInt(BinaryPrimitives.ReadUInt32BigEndian(b[16..])), ToInt(BinaryPrimitives.ReadUInt32BigEndian(b[20..])))
                : ("image/png", null, null);
        }

        if (b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8))
        {
            return b.Length >= 10
                ? ("image/gif", BinaryPrimitives.ReadUInt16LittleEndian(b[6..]), BinaryPrimitives.ReadUInt16LittleEndian(b[8..]))
                : ("image/gif", null, null);
        }

        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        {
            var (width, height) = JpegFrame(b);
            return ("image/jpeg", width, height);
        }

        return (null, null, null);
    }

    /// <summary>Walks the JPEG segments to the first start-of-frame (SOF0–SOF15 but DHT, JPG and DAC), which holds the size.</summary>
    private static (int? Width, int? Height) JpegFrame(ReadOnlySpan<byte> b)
    {
        var i = 2;
        while (i + 3 < b.Length)
        {
            if (b[i] != 0xFF)
            {
                return (null, null);
            }

            var marker = b[i + 1];
            if (marker == 0xFF)
            {
                i++;
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2;
                continue;
            }

            if (marker is 0xD9 or 0xDA)
            {
                return (null, null);
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(b[(i + 2)..]);
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return i + 9 <= b.Length
                    ? (BinaryPrimitives.ReadUInt16BigEndian(b[(i + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(b[(i + 5)..]))
                    : (null, null);
            }

            i += 2 + length;
        }

        return (null, null);
    }

    private static int? ToInt(uint value) => value <= int.MaxValue ? (int)value : null;
}

/// <summary>What the bytes are: their type and size, and why processing fails (null when it succeeds).</summary>
internal sealed record ImageInspection(string? MediaType, int? Width, int? Height, string? Failure);
