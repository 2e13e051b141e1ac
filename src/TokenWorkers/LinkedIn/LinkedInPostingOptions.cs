using System.ComponentModel.DataAnnotations;
using TokenWorkers.Ports;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// Which LinkedIn endpoint creates (and deletes) posts. Bound from the <c>Publishing</c> section, where operators look for it, but read
/// only by the API client: the publishing capability does not care which endpoint the adapter calls.
/// </summary>
public sealed class LinkedInPostingOptions
{
    public const string SectionName = "Publishing";

    /// <summary>Which LinkedIn endpoint creates and deletes posts: <c>UgcPosts</c> (<c>/v2/ugcPosts</c>, the documented member path) or <c>Posts</c> (<c>/rest/posts</c>).</summary>
    public PostingApi Api { get; set; } = PostingApi.UgcPosts;

    /// <summary>
    /// The <c>LinkedIn-Version</c> (YYYYMM) pinned for <c>/rest/posts</c>; unused with <c>UgcPosts</c>. LinkedIn serves each
    /// monthly version for about a year: 202609 was the latest on 2026-09-18 (docs/linkedin-api.md, section 13.3).
    /// </summary>
    [RegularExpression(@"^\d{6}(\.\d{2})?$")]
    public string LinkedInVersion { get; set; } = "202609";
}

/// <summary>LinkedIn's post-creation endpoints.</summary>
public enum PostingApi
{
    /// <summary><c>POST /v2/ugcPosts</c>.</summary>
    UgcPosts = 1,

    /// <summary><c>POST /rest/posts</c> with <see cref="LinkedInPostingOptions.LinkedInVersion"/>.</summary>
    Posts = 2,
}
