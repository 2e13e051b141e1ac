using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Ports;
using TokenWorkers.Posts;

namespace TokenWorkers.LinkedIn;

/// <summary>
/// LinkedIn's REST API as the member: <c>GET /v2/userinfo</c> for the author URN, post creation
/// (<c>POST /v2/ugcPosts</c>, or <c>POST /rest/posts</c> with a pinned <c>LinkedIn-Version</c>) and deletion (DELETE on the same paths).
/// Protocol answers come back as <see cref="ApiResult"/> values; a transport fault before the request was
/// sent throws <see cref="LinkedInTransportException"/>; a fault after it was sent is <see cref="PostAnswerLost"/>.
/// Error answers are read by <see cref="LinkedInErrorReader"/>.
/// </summary>
public sealed partial class LinkedInApiClient(HttpClient http, IOptions<LinkedInOptions> linkedIn, IOptions<LinkedInPostingOptions> publishing, TimeProvider time) : ILinkedInApi
{
    public const string UserInfoPath = "v2/userinfo";
    public const string UgcPostsPath = "v2/ugcPosts";
    public const string PostsPath = "rest/posts";

    private readonly LinkedInOptions _linkedIn = linkedIn.Value;
    private readonly LinkedInPostingOptions _publishing = publishing.Value;
    private readonly LinkedInSend _send = new(http, linkedIn.Value.RequestTimeout);

    public TimeSpan RequestTimeout => _linkedIn.RequestTimeout;

    public async Task<ApiResult> GetMemberAsync(SecretToken accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_linkedIn.ApiBaseUrl, UserInfoPath));
        // Reading the profile changes nothing at LinkedIn, so an unanswered call is simply retried.
        var (status, _, body) = await SendAsync(request, accessToken, "userinfo", cancellationToken)
                                ?? throw new LinkedInTransportException("LinkedIn's userinfo endpoint did not answer");
        if (status == HttpStatusCode.OK && ReadString(body, "sub") is { Length: > 0 } sub)
        {
            return new MemberFound($"urn:li:person:{sub}");
        }

        return LinkedInErrorReader.ApiFailure(status, body, time.GetUtcNow());
    }

    /// <summary>
    /// Creates the post as <paramref name="authorUrn"/>, with <paramref name="images"/> when there are any (processed, owned by the
    /// author; see <see cref="ImagesCheck"/>). Images and an article are exclusive.
    /// </summary>
    public async Task<ApiResult> CreatePostAsync(
        SecretToken accessToken, string authorUrn, PostContent content, IReadOnlyList<ReadyImage> images, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(images);
        var useRest = _publishing.Api == PostingApi.Posts;
        var body = useRest ? PostsBody(authorUrn, content, images) : UgcPostsBody(authorUrn, content, images);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_linkedIn.ApiBaseUrl, useRest ? PostsPath : UgcPostsPath))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (useRest)
        {
            request.Headers.Add("LinkedIn-Version", _publishing.LinkedInVersion);
        }

        if (await SendAsync(request, accessToken, "posting", cancellationToken) is not (var status, var headers, var text))
        {
            return new PostAnswerLost($"LinkedIn's posting endpoint did not answer within {_linkedIn.RequestTimeout.TotalSeconds:0.#} s after the post was sent");
        }

        if (status == HttpStatusCode.Created)
        {
            var urn = headers.TryGetValues("x-restli-id", out var ids) ? ids.FirstOrDefault() : null;
            urn ??= ReadString(text, "id");
            return urn is { Length: > 0 }
                ? new PostCreated(urn)
                // The post exists; only its id is missing. Retrying at once would post it again; the settle learns the id
                // from LinkedIn's duplicate refusal.
                : new PostAnswerLost("LinkedIn answered 201 without the post's id: the post exists, its URN is learnt when it is settled");
        }

        if ((int)status == 422 && LinkedInErrorReader.DuplicateOf(text) is { } earlier)
        {
            return new PostDuplicate(earlier);
        }

        if ((int)status >= 500)
        {
            // A gateway's 502/504 (or a 500/503) may come after the backend created the post: as uncertain as no answer.
            return new PostAnswerLost($"LinkedIn's posting endpoint answered {(int)status} after the post was sent; it may have been created");
        }

        return LinkedInErrorReader.ApiFailure(status, text, time.GetUtcNow());
    }

    /// <summary>
    /// Deletes <paramref name="postUrn"/> through the configured API: <c>DELETE /rest/posts/{urn}</c> with the pinned version, or
    /// <c>DELETE /v2/ugcPosts/{urn}</c>; either takes a share or a ugcPost URN. The URN is one path key, percent-encoded.
    /// </summary>
    public async Task<ApiResult> DeletePostAsync(SecretToken accessToken, string postUrn, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(postUrn);
        var useRest = _publishing.Api == PostingApi.Posts;
        var path = (useRest ? PostsPath : UgcPostsPath) + "/" + Uri.EscapeDataString(postUrn);
        using var request = new HttpRequestMessage(HttpMethod.Delete, new Uri(_linkedIn.ApiBaseUrl, path));
        if (useRest)
        {
            request.Headers.Add("LinkedIn-Version", _publishing.LinkedInVersion);
        }

        // Deleting twice is answered 204 again, so a call whose answer was lost is simply made again.
        var (status, _, body) = await SendAsync(request, accessToken, "delete", cancellationToken)
                                ?? throw new LinkedInTransportException("LinkedIn's delete endpoint did not answer");
        return status switch
        {
            HttpStatusCode.NoContent or HttpStatusCode.OK => new PostRemoved(postUrn),
            HttpStatusCode.NotFound => new PostNotFound(postUrn, LinkedInErrorReader.ApiFailure(status, body, time.GetUtcNow()).Message),
            _ => LinkedInErrorReader.ApiFailure(status, body, time.GetUtcNow()),
        };
    }

    /// <summary>The documented ugcPosts share: text, an ARTICLE with one READY media entry, or an IMAGE share with one READY entry per image.</summary>
    public static JsonObject UgcPostsBody(string authorUrn, PostContent content, IReadOnlyList<ReadyImage>? images = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        images ??= [];
        ImagesCheck(content, images);
        var share = new JsonObject
        {
            ["shareCommentary"] = new JsonObject { ["text"] = content.Text },
            ["shareMediaCategory"] = images.Count > 0 ? "IMAGE" : content.ArticleUrl is null ? "NONE" : "ARTICLE",
        };
        if (images.Count > 0)
        {
            share["media"] = UgcImageMedia(images);
        }

        if (content.ArticleUrl is { } url)
        {
            var media = new JsonObject { ["status"] = "READY", ["originalUrl"] = url };
            if (content.ArticleTitle is { Length: > 0 } title)
            {
                media["title"] = new JsonObject { ["text"] = title };
            }

            if (content.ArticleDescription is { Length: > 0 } description)
            {
                media["description"] = new JsonObject { ["text"] = description };
            }

            share["media"] = new JsonArray(media);
        }

        return new JsonObject
        {
            ["author"] = authorUrn,
            ["lifecycleState"] = "PUBLISHED",
            ["specificContent"] = new JsonObject { ["com.linkedin.ugc.ShareContent"] = share },
            ["visibility"] = new JsonObject { ["com.linkedin.ugc.MemberNetworkVisibility"] = Visibility(content.Visibility) },
        };
    }

    /// <summary>The Posts API body; <c>content</c> is omitted for text (a null there is refused with 403).</summary>
    public static JsonObject PostsBody(string authorUrn, PostContent content, IReadOnlyList<ReadyImage>? images = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        images ??= [];
        ImagesCheck(content, images);
        var body = new JsonObject
        {
            ["author"] = authorUrn,
            ["commentary"] = EscapeLittleText(content.Text),
            ["visibility"] = Visibility(content.Visibility),
            ["distribution"] = new JsonObject
            {
                ["feedDistribution"] = "MAIN_FEED",
                ["targetEntities"] = new JsonArray(),
                ["thirdPartyDistributionChannels"] = new JsonArray(),
            },
            ["lifecycleState"] = "PUBLISHED",
            ["isReshareDisabledByAuthor"] = false,
        };
        if (content.ArticleUrl is { } url)
        {
            var article = new JsonObject { ["source"] = url };
            if (content.ArticleTitle is { Length: > 0 } title)
            {
                article["title"] = title;
            }

            if (content.ArticleDescription is { Length: > 0 } description)
            {
                article["description"] = description;
            }

            body["content"] = new JsonObject { ["article"] = article };
        }
        else if (images.Count > 0)
        {
            body["content"] = PostsImageContent(images);
        }

        return body;
    }

    /// <summary>The Posts API's commentary is "little" text: its reserved characters must be backslash-escaped.</summary>
    public static string EscapeLittleText(string text) => LittleReserved().Replace(text, @"\$0");

    private static string Visibility(PostVisibility visibility) => visibility == PostVisibility.Connections ? "CONNECTIONS" : "PUBLIC";

    /// <summary>LinkedIn's answer, or null when the request was sent and no whole answer came back; throws when it was never sent.</summary>
    private async Task<LinkedInAnswered?> SendAsync(
        HttpRequestMessage request, SecretToken accessToken, string endpoint, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", accessToken.Reveal());
        request.Headers.Add("X-Restli-Protocol-Version", "2.0.0");
        request.Headers.Accept.ParseAdd("application/json");

        return await _send.SendAsync(request, cancellationToken) switch
        {
            LinkedInAnswered answer => answer,
            // No connection was made, so nothing was sent: a retry is safe.
            LinkedInNotSent notSent => throw new LinkedInTransportException(
                $"LinkedIn's {endpoint} endpoint could not be reached: {notSent.Cause.HttpRequestError}", notSent.Cause),
            // The request went out and the answer did not come back whole: what it did is up to the caller to find out.
            LinkedInUnanswered => null,
            _ => throw new UnreachableException(),
        };
    }

    private static string? ReadString(string body, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object &&
                   document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"[\\|{}@\[\]()<>#*_~]")]
    private static partial Regex LittleReserved();
}
