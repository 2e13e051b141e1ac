using System.Text.Json;
using System.Text.RegularExpressions;
using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.State;
using static TokenWorkers.Sandbox.Api.PostRules;

namespace TokenWorkers.Sandbox.Api;

/// <summary><c>POST /rest/posts</c>: the versioned Posts API; success is 201 with the URN in <c>x-restli-id</c> and no body.</summary>
internal sealed partial class PostsEndpoint(ApiAuthenticator authenticator, PostRules rules, ApiVersions versions, ImageRules imageRules)
{
    private static readonly string[] LifecycleStates = ["PUBLISHED", "DRAFT"];
    private static readonly string[] Visibilities = ["PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"];
    private static readonly string[] FeedDistributions = ["MAIN_FEED", "NONE"];
    private static readonly string[] ContentKinds = ["article", "media", "multiImage"];

    public async ValueTask<IResult> HandleAsync(HttpContext http, CallRecord call)
    {
        var (grant, member, error) = authenticator.Authenticate(http, call, posting: true);
        if (error is not null)
        {
            return error;
        }

        var version = http.Request.Headers["LinkedIn-Version"].ToString();
        if (version.Length == 0)
        {
            return ApiErrors.VersionMissing(call);
        }

        if (versions.Refused(version) is { } inactive)
        {
            return ApiErrors.VersionInactive(call, inactive);
        }

        var resource = "partnerApiPostsExternal.CREATE." + version;
        if (!MayPostAtAll(grant!))
        {
            return ApiErrors.AccessDenied(call, resource);
        }

        var (document, bodyError) = await ReadBodyAsync(http, call);
        if (document is null)
        {
            return bodyError!;
        }

        using (document)
        {
            var (author, authorError) = rules.CheckAuthor(document.RootElement, grant!, member!, resource, rest: true, call);
            if (authorError is not null)
            {
                return authorError;
            }

            var (text, articleUrl, named, invalid) = Validate(document.RootElement, call);
            if (invalid is not null)
            {
                return invalid;
            }

            var (images, unusable) = imageRules.CheckForPost(named ?? [], author!, call);
            if (unusable is not null)
            {
                return unusable;
            }

            var (post, refused) = rules.Create(SandboxEndpoint.Posts, grant!, author!, text!, articleUrl, call, images);
            if (post is null)
            {
                return refused!;
            }

            http.Response.Headers["x-restli-id"] = post.Urn;
            return Results.StatusCode(StatusCodes.Status201Created);
        }
    }

    private (string? Text, string? ArticleUrl, IReadOnlyList<SandboxPostImage>? Images, IResult? Error) Validate(JsonElement body, CallRecord call)
    {
        IResult? error = null;
        var text = RequiredString(body, "commentary", "/commentary", call, ref error);
        RequiredSymbol(body, "visibility", "/visibility", Visibilities, call, ref error);
        RequiredSymbol(Child(body, "distribution"), "feedDistribution", "/distribution/feedDistribution", FeedDistributions, call, ref error);
        RequiredSymbol(body, "lifecycleState", "/lifecycleState", LifecycleStates, call, ref error);
        if (error is not null)
        {
            return (null, null, null, error);
        }

        string? articleUrl = null;
        IReadOnlyList<SandboxPostImage>? images = null;
        if (body.TryGetProperty("content", out var content))
        {
            (articleUrl, images, error) = Content(content, call);
        }
        else if (string.IsNullOrWhiteSpace(text))
        {
            error = ApiErrors.Unprocessable(call, "/commentary", "must not be blank");
        }

        return (text, articleUrl, images, error ?? rules.CheckLength(text!, "/commentary", call));
    }

    private static (string? Url, IReadOnlyList<SandboxPostImage>? Images, IResult? Error) Content(JsonElement content, CallRecord call)
    {
        // LinkedIn refuses an explicit null for an optional object rather than treating it as absent.
        if (content.ValueKind == JsonValueKind.Null)
        {
            return (null, null, ApiErrors.UnpermittedFields(call, "/content"));
        }

        string[] kinds = [.. ContentKinds.Where(k => Child(content, k).ValueKind != JsonValueKind.Undefined)];
        if (kinds.Length != 1)
        {
            return (null, null, ApiErrors.Unprocessable(call, "/content", "exactly one of article, media (one image) or multiImage is supported by the sandbox"));
        }

        if (kinds[0] == "media")
        {
            IResult? error = null;
            var image = PostImageRefs.Image(Child(content, "media"), "/content/media", call, ref error);
            return (null, error is null ? [image!] : null, error);
        }

        if (kinds[0] == "multiImage")
        {
            var (images, invalid) = PostImageRefs.MultiImage(Child(content, "multiImage"), call);
            return (null, images, invalid);
        }

        var (url, articleError) = Article(Child(content, "article"), call);
        return (url, null, articleError);
    }

    private static (string? Url, IResult? Error) Article(JsonElement article, CallRecord call)
    {
        if (article.ValueKind != JsonValueKind.Object)
        {
            return (null, ApiErrors.Unprocessable(call, "/content/article", "must be an object"));
        }

        IResult? error = null;
        var url = RequiredString(article, "source", "/content/article/source", call, ref error);
        if (error is null && !IsAbsoluteHttpUrl(url))
        {
            error = ApiErrors.Unprocessable(call, "/content/article/source", $"\"{url}\" is not a valid URL");
        }

        return (url, error);
    }

    /// <summary>YYYYMM, YYYYMMDD (LinkedIn echoes versions in that form) or YYYYMM.RR.</summary>
    [GeneratedRegex(@"^\d{6}(\d{2}|\.\d{2})?$")]
    internal static partial Regex VersionFormat();
}
