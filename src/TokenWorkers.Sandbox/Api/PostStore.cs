using System.Collections.Concurrent;
using System.Globalization;

namespace TokenWorkers.Sandbox.Api;

/// <summary>Created posts (deleted ones stay, marked), and the newest post per author and content for duplicate detection.</summary>
internal sealed class PostStore
{
    private readonly ConcurrentQueue<string> _order = new();
    private readonly ConcurrentDictionary<string, SandboxPost> _byUrn = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SandboxPost> _newestByContent = new(StringComparer.Ordinal);

    // 19-digit ids in the range real share URNs use; increments keep them unique and ordered.
    private long _nextId = 7_100_000_000_000_000_000 + Random.Shared.NextInt64(0, 100_000_000_000_000_000);

    /// <summary>Creates the post, or returns the earlier post it duplicates. Racing identical posts create exactly one.</summary>
    /// <remarks>
    /// A deleted post still counts as a duplicate within the window: LinkedIn kept refusing DUPLICATE_POST for a day or two
    /// after a deletion (docs/linkedin-api.md §5.3, §11).
    /// </remarks>
    public (SandboxPost? Created, SandboxPost? DuplicateOf) Create(
        SandboxEndpoint endpoint, string author, string text, string? articleUrl, string clientId, string grantId, DateTimeOffset now, TimeSpan window,
        IReadOnlyList<SandboxPostImage>? images = null, bool hidden = false)
    {
        images ??= [];
        // Other images make other content: the same text with a different picture is not a duplicate.
        var key = string.Join('\0', [author, text, articleUrl, .. images.Select(i => i.Urn)]);
        while (true)
        {
            if (_newestByContent.TryGetValue(key, out var earlier))
            {
                if (now < earlier.CreatedAt + window)
                {
                    return (null, earlier);
                }

                var replacement = New();
                if (_newestByContent.TryUpdate(key, replacement, earlier))
                {
                    return Stored(replacement);
                }
            }
            else
            {
                var post = New();
                if (_newestByContent.TryAdd(key, post))
                {
                    return Stored(post);
                }
            }
        }

        SandboxPost New()
        {
            var id = Interlocked.Add(ref _nextId, Random.Shared.Next(1, 4096));
            return new SandboxPost("urn:li:share:" + id.ToString(CultureInfo.InvariantCulture), endpoint, author, text, articleUrl, clientId, grantId, now)
            {
                Images = images,
                Hidden = hidden,
            };
        }
    }

    /// <summary>
    /// Deletes <paramref name="urn"/> when <paramref name="mayDelete"/> allows it for the post's author (the member's own posts, or a page's). A deleted post stays in the record
    /// with <see cref="SandboxPost.DeletedAt"/> (the first deletion's time), so a second deletion is told apart from a post
    /// that never existed.
    /// </summary>
    public PostDeletion Delete(string urn, Func<string, bool> mayDelete, DateTimeOffset now)
    {
        while (true)
        {
            if (!_byUrn.TryGetValue(urn, out var post))
            {
                return PostDeletion.Unknown;
            }

            if (!mayDelete(post.Author))
            {
                return PostDeletion.NotOwned;
            }

            if (post.DeletedAt is not null)
            {
                return PostDeletion.AlreadyDeleted;
            }

            if (_byUrn.TryUpdate(urn, post with { DeletedAt = now }, post))
            {
                return PostDeletion.Deleted;
            }
        }
    }

    public IReadOnlyList<SandboxPost> All => [.. _order.Select(urn => _byUrn[urn])];

    private (SandboxPost?, SandboxPost?) Stored(SandboxPost post)
    {
        // Indexed before it is listed, so a listing never names a post it cannot find.
        _byUrn[post.Urn] = post;
        _order.Enqueue(post.Urn);
        return (post, null);
    }
}

/// <summary>What a deletion came to at the sandbox.</summary>
internal enum PostDeletion
{
    Deleted,
    AlreadyDeleted,
    NotOwned,
    Unknown,
}
