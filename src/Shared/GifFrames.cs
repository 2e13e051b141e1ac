namespace TokenWorkers.Publishing;

/// <summary>
/// Counts the frames of a GIF by walking its blocks (GIF89a specification: extensions and image descriptors, each
/// followed by data sub-blocks): LinkedIn's Images API states "GIF format supports up to 250 frames"
/// (docs/linkedin-api.md §10.4). No pixel is decoded.
/// </summary>
/// <remarks>
/// Shared as a source file by the worker, which refuses such a GIF before uploading it, and the sandbox, whose
/// processing fails it as LinkedIn's would.
/// </remarks>
internal static class GifFrames
{
    /// <summary>The most frames LinkedIn takes in one GIF.</summary>
    public const int Max = 250;

    private const byte Extension = 0x21;
    private const byte ImageDescriptor = 0x2C;

    /// <summary>
    /// The image descriptors before the trailer, counting at most <paramref name="stopAfter"/>; a stream cut short or
    /// carrying an unknown block ends the count where it breaks, as decoders stop there too.
    /// </summary>
    public static int Count(ReadOnlySpan<byte> gif, int stopAfter = Max + 1)
    {
        const int headerAndScreen = 13;
        if (gif.Length < headerAndScreen)
        {
            return 0;
        }

        var at = headerAndScreen + ColorTableLength(gif[10]);
        var frames = 0;
        while (at < gif.Length && frames < stopAfter)
        {
            switch (gif[at])
            {
                case Extension:
                    at = SkipSubBlocks(gif, at + 2);
                    break;
                case ImageDescriptor:
                    if (at + 10 > gif.Length)
                    {
                        return frames;
                    }

                    frames++;
                    // Descriptor (10 bytes with its introducer), local color table, LZW minimum code size, then the data.
                    at = SkipSubBlocks(gif, at + 10 + ColorTableLength(gif[at + 9]) + 1);
                    break;
                default:
                    return frames; // the trailer (0x3B), or a block no decoder would read past
            }
        }

        return frames;
    }

    // A color table flag in the top bit, its size as 2^(n+1) entries of three bytes in the low three.
    private static int ColorTableLength(byte packed) => (packed & 0x80) == 0 ? 0 : 3 * (1 << ((packed & 0x07) + 1));

    /// <summary>The position after the sub-blocks starting at <paramref name="at"/> (each a length byte, a zero one ends them).</summary>
    private static int SkipSubBlocks(ReadOnlySpan<byte> gif, int at)
    {
        while (at < gif.Length && gif[at] != 0)
        {
            at += gif[at] + 1;
        }

        return at + 1;
    }
}
