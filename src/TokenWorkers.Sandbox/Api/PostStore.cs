using System.Collections.Concurrent;
using System.Globalization;

namespace TokenWorkers.Sandbox.Api;

/// <summary>Created posts, and the newest post per author and content for duplicate detection.</summary>
internal sealed class PostStore
{
    private readonly ConcurrentQueue<SandboxPost> _posts = new();
    private readonly ConcurrentDictionary<string, SandboxPost> _newestByContent = new(StringComparer.Ordinal);

    // 19-digit ids in the range real share URNs use; increments keep them unique and ordered.
    private long _nextId = 7_100_000_000_000_000_000 + Random.Shared.NextInt64(0, 100_000_000_000_000_000);

    /// <summary>Creates the post, or returns the earlier post it duplicates. Racing identical posts create exactly one.</summary>
    public (SandboxPost? Created, SandboxPost? DuplicateOf) Create(
        SandboxEndpoint endpoint, string author, string text, string? articleUrl, string clientId, string grantId, DateTimeOffset now, TimeSpan window)
    {
        var key = string.Join('\0', author, text, articleUrl);
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
            return new SandboxPost("urn:li:share:" + id.ToString(CultureInfo.InvariantCulture), endpoint, author, text, articleUrl, clientId, grantId, now);
        }
    }

    public IReadOnlyList<SandboxPost> All => [.. _posts];

    private (SandboxPost?, SandboxPost?) Stored(SandboxPost post)
    {
        _posts.Enqueue(post);
        return (post, null);
    }
}
