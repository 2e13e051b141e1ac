using System.Text.RegularExpressions;

namespace TokenWorkers.Posts;

/// <summary>
/// Who a post may be by: the connection's member (<c>urn:li:person:{sub}</c>) or a Company Page
/// (<c>urn:li:organization:{numeric id}</c>, docs/linkedin-api.md §9.1). Nothing else is an author LinkedIn accepts.
/// </summary>
public static partial class PostAuthors
{
    public const string OrganizationPrefix = "urn:li:organization:";

    /// <summary>Why <paramref name="author"/> cannot be a post's author, or null when it is well formed (or absent: the member).</summary>
    public static string? Check(string? author) =>
        author is null || OrganizationUrn().IsMatch(author) || PersonUrn().IsMatch(author)
            ? null
            : $"Author \"{Shown(author)}\" is neither urn:li:organization:{{digits}} nor the member's urn:li:person:{{id}}.";

    /// <summary>A person author that is not <paramref name="memberUrn"/>: the worker may post as its own member only.</summary>
    public static string? CheckPerson(string? author, string memberUrn) =>
        author is not null && PersonUrn().IsMatch(author) && !string.Equals(author, memberUrn, StringComparison.Ordinal)
            ? $"Author \"{author}\" is not the connection's member ({memberUrn}); a post may be by the member or an organization."
            : null;

    // A sender's mistake is quoted back, bounded, so a huge value cannot swell the fault message.
    private static string Shown(string value) => value.Length <= 100 ? value : value[..100] + "…";

    [GeneratedRegex("^urn:li:organization:[0-9]{1,19}$", RegexOptions.CultureInvariant)]
    private static partial Regex OrganizationUrn();

    [GeneratedRegex("^urn:li:person:[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex PersonUrn();
}
