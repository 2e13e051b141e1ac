using TokenWorkers.Contracts;

namespace TokenWorkers.Publishing;

/// <summary>What a <see cref="PublishPost"/> must satisfy before anything is sent to LinkedIn.</summary>
public static class PostValidation
{
    /// <summary>LinkedIn's composer limit, in Unicode code points (an emoji counts once, not as two UTF-16 units).</summary>
    public const int MaxTextLength = 3000;

    /// <summary>LinkedIn's most images in one post (a multi-image post takes 2 to 20).</summary>
    public const int MaxImages = 20;

    /// <summary>
    /// The reason the command is refused, or null when it may be posted. Images are checked as far as the message shows
    /// (count, alt text, a URL's host against <paramref name="images"/>' allow-list); their bytes are checked when loaded.
    /// </summary>
    public static string? Check(PublishPost command, ImageOptions? images = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (string.IsNullOrWhiteSpace(command.Text))
        {
            return "Text is empty.";
        }

        var length = CodePoints(command.Text);
        if (length > MaxTextLength)
        {
            return $"Text is {length} characters long; LinkedIn allows at most {MaxTextLength}.";
        }

        if (!Enum.IsDefined(command.Visibility))
        {
            return $"Visibility {(int)command.Visibility} is not PUBLIC or CONNECTIONS.";
        }

        if (command.Images is { Count: > 0 } && CheckImages(command, images ?? new ImageOptions()) is { } badImage)
        {
            return badImage;
        }

        if (command.ArticleUrl is null)
        {
            return command.ArticleTitle is not null || command.ArticleDescription is not null
                ? "ArticleTitle and ArticleDescription need an ArticleUrl."
                : null;
        }

        return command.ArticleUrl is { IsAbsoluteUri: true } url && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp) && url.Host.Length > 0
            ? null
            : $"ArticleUrl \"{command.ArticleUrl.OriginalString}\" is not an absolute http or https URL.";
    }

    private static string? CheckImages(PublishPost command, ImageOptions options)
    {
        if (command.ArticleUrl is not null)
        {
            return "ArticleUrl and Images cannot go together: a LinkedIn post is an article or images.";
        }

        if (command.Images!.Count > MaxImages)
        {
            return $"Images has {command.Images.Count} images; LinkedIn takes at most {MaxImages} in one post.";
        }

        for (var i = 0; i < command.Images.Count; i++)
        {
            var problem = command.Images[i] switch
            {
                null => "is empty",
                { Data: not null, Url: not null } or { Data: null, Url: null } => "must name exactly one of Data (a message-data address) or Url",
                { AltText.Length: > ImageChecks.MaxAltText } image => $"AltText is {image.AltText.Length} characters; LinkedIn allows at most {ImageChecks.MaxAltText}",
                { Url: { } url } => ImageFetcher.Refuses(url, options),
                { Data: { } data } => data.IsAbsoluteUri ? ImageSources.RefusesAddress(data) : "Data is not an absolute address",
            };
            if (problem is not null)
            {
                return $"Images[{i}] {problem}.";
            }
        }

        return null;
    }

    public static int CodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
