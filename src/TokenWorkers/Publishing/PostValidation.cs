using TokenWorkers.Contracts;

namespace TokenWorkers.Publishing;

/// <summary>What a <see cref="PublishPost"/> must satisfy before anything is sent to LinkedIn.</summary>
public static class PostValidation
{
    /// <summary>LinkedIn's composer limit, in Unicode code points (an emoji counts once, not as two UTF-16 units).</summary>
    public const int MaxTextLength = 3000;

    /// <summary>The reason the command is refused, or null when it may be posted.</summary>
    public static string? Check(PublishPost command)
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
