using System.Buffers.Binary;

namespace TokenWorkers.Publishing;

/// <summary>
/// What LinkedIn accepts of an image, checked on its bytes before anything is uploaded: JPG, GIF or PNG by the first bytes
/// (never by a file name or a declared type), fewer than 36,152,320 pixels as the header states, and a GIF of at most
/// 250 frames (docs/linkedin-api.md §10.4).
/// </summary>
public static class ImageChecks
{
    /// <summary>LinkedIn's Images API takes "images with less than 36,152,320 pixels".</summary>
    public const long MaxPixels = 36_152_320;

    /// <summary>LinkedIn's alt text limit, in characters.</summary>
    public const int MaxAltText = 4086;

    /// <summary>The image's media type, or why LinkedIn would not take it.</summary>
    public static (string? ContentType, string? Problem) Inspect(ReadOnlySpan<byte> bytes)
    {
        var (type, width, height) = Header(bytes);
        if (type is null)
        {
            return (null, "is not a JPG, GIF or PNG (its first bytes say so, whatever its name or declared type)");
        }

        if (width <= 0 || height <= 0)
        {
            return (null, $"is a {type} whose header states no size");
        }

        var pixels = (long)width * height;
        if (pixels >= MaxPixels)
        {
            return (null, $"has {width}×{height} = {pixels} pixels; LinkedIn takes fewer than {MaxPixels}");
        }

        return type == "image/gif" && GifFrames.Count(bytes) > GifFrames.Max
            ? (null, $"is a GIF of more than {GifFrames.Max} frames; LinkedIn takes up to {GifFrames.Max}")
            : (type, null);
    }

    private static (string? Type, int Width, int Height) Header(ReadOnlySpan<byte> b)
    {
        if (b.Length >= 24 && b[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) && b.Slice(12, 4).SequenceEqual("IHDR"u8))
        {
            return ("image/png", (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(b[16..]), int.MaxValue),
                (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(b[20..]), int.MaxValue));
        }

        if (b.Length >= 10 && (b[..6].SequenceEqual("GIF87a"u8) || b[..6].SequenceEqual("GIF89a"u8)))
        {
            return ("image/gif", BinaryPrimitives.ReadUInt16LittleEndian(b[6..]), BinaryPrimitives.ReadUInt16LittleEndian(b[8..]));
        }

        return b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF ? Jpeg(b) : (null, 0, 0);
    }

    /// <summary>Walks the JPEG's segments to its start-of-frame, which states the height and width.</summary>
    private static (string?, int, int) Jpeg(ReadOnlySpan<byte> b)
    {
        var at = 2;
        while (at + 4 <= b.Length)
        {
            if (b[at] != 0xFF)
            {
                return ("image/jpeg", 0, 0);
            }

            var marker = b[at + 1];
            if (marker == 0xFF)
            {
                at++; // fill byte
                continue;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                at += 2; // segments without a length
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(b[(at + 2)..]);
            var isFrame = marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC);
            if (isFrame && at + 9 <= b.Length)
            {
                return ("image/jpeg", BinaryPrimitives.ReadUInt16BigEndian(b[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(b[(at + 5)..]));
            }

            if (marker == 0xDA || length < 2)
            {
                break; // image data before any frame header: no size stated
            }

            at += 2 + length;
        }

        return ("image/jpeg", 0, 0);
    }
}
