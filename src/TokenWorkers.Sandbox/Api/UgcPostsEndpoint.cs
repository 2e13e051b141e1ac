using System.Text.Json;
using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.Hosting;
using TokenWorkers.Sandbox.State;
using static TokenWorkers.Sandbox.Api.PostRules;

namespace TokenWorkers.Sandbox.Api;

/// <summary><c>POST /v2/ugcPosts</c>: text, article and image shares (the "Share on LinkedIn" contract).</summary>
internal sealed class UgcPostsEndpoint(ApiAuthenticator authenticator, PostRules rules, ImageRules imageRules)
{
    private const string Resource = "ugcPosts.CREATE.NO_VERSION";
    private const string SharePath = "/specificContent/com.linkedin.ugc.ShareContent";
    private static readonly string[] LifecycleStates = ["PUBLISHED", "DRAFT"];
    private static readonly string[] Visibilities = ["PUBLIC", "CONNECTIONS", "LOGGED_IN", "CONTAINER"];
    private static readonly string[] MediaCategories = ["NONE", "ARTICLE", "IMAGE", "VIDEO", "RICH", "CAROUSEL", "LIVE_VIDEO", "URN_REFERENCE"];

    public async ValueTask<IResult> HandleAsync(HttpContext http, CallRecord call)
    {
        var (grant, member, error) = authenticator.Authenticate(http, call, posting: true);
        if (error is not null)
        {
            return error;
        }

        if (!MayPostAtAll(grant!))
        {
            return ApiErrors.AccessDenied(call, Resource);
        }

        if (http.Request.Headers["X-Restli-Protocol-Version"] != "2.0.0")
        {
            return ApiErrors.BadRequest(call, "The X-Restli-Protocol-Version header must be 2.0.0");
        }

        var (document, bodyError) = await ReadBodyAsync(http, call);
        if (document is null)
        {
            return bodyError!;
        }

        using (document)
        {
            var body = document.RootElement;
            var (author, authorError) = rules.CheckAuthor(body, grant!, member!, Resource, rest: false, call);
            if (authorError is not null)
            {
                return authorError;
            }

            var (text, articleUrl, named, invalid) = Validate(body, call);
            if (invalid is not null)
            {
                return invalid;
            }

            var (images, unusable) = imageRules.CheckForPost(named ?? [], author!, call);
            if (unusable is not null)
            {
                return unusable;
            }

            var (post, refused) = rules.Create(SandboxEndpoint.UgcPosts, grant!, author!, text!, articleUrl, call, images);
            if (post is null)
            {
                return refused!;
            }

            var headers = http.Response.Headers;
            headers["x-restli-id"] = post.Urn;
            headers.Location = "/ugcPosts/" + post.Urn;
            headers["x-restli-protocol-version"] = "2.0.0";
            return Results.Json(new CreatedPost(post.Urn), SandboxJson.Options, statusCode: StatusCodes.Status201Created);
        }
    }

    private (string? Text, string? ArticleUrl, IReadOnlyList<SandboxPostImage>? Images, IResult? Error) Validate(JsonElement body, CallRecord call)
    {
        IResult? error = null;
        RequiredSymbol(body, "lifecycleState", "/lifecycleState", LifecycleStates, call, ref error);
        var share = Child(Child(body, "specificContent"), "com.linkedin.ugc.ShareContent");
        if (error is null && share.ValueKind != JsonValueKind.Object)
        {
            error = ApiErrors.Unprocessable(call, SharePath, "field is required but not found and has no default value");
        }

        var category = Child(share, "shareMediaCategory").ValueKind == JsonValueKind.Undefined
            ? "NONE"
            : RequiredSymbol(share, "shareMediaCategory", SharePath + "/shareMediaCategory", MediaCategories, call, ref error);
        var commentary = Child(share, "shareCommentary");
        var text = category == "NONE" || commentary.ValueKind != JsonValueKind.Undefined
            ? RequiredString(commentary, "text", SharePath + "/shareCommentary/text", call, ref error)
            : "";
        RequiredSymbol(Child(body, "visibility"), "com.linkedin.ugc.MemberNetworkVisibility", "/visibility/com.linkedin.ugc.MemberNetworkVisibility", Visibilities, call, ref error);
        if (error is not null)
        {
            return (null, null, null, error);
        }

        string? articleUrl = null;
        IReadOnlyList<SandboxPostImage>? images = null;
        if (category == "ARTICLE")
        {
            (articleUrl, error) = Article(Child(share, "media"), call);
        }
        else if (category == "IMAGE")
        {
            (images, error) = PostImageRefs.UgcMedia(Child(share, "media"), SharePath + "/media", call);
        }
        else if (category != "NONE")
        {
            error = ApiErrors.Unprocessable(call, SharePath + "/shareMediaCategory", $"\"{category}\" is not supported by the sandbox (NONE, ARTICLE and IMAGE are)");
        }
        else if (string.IsNullOrWhiteSpace(text))
        {
            error = ApiErrors.Unprocessable(call, SharePath + "/shareCommentary/text", "must not be blank");
        }

        return (text, articleUrl, images, error ?? rules.CheckLength(text!, SharePath + "/shareCommentary/text", call));
    }

    private static (string? Url, IResult? Error) Article(JsonElement media, CallRecord call)
    {
        const string MediaPath = SharePath + "/media";
        if (media.ValueKind != JsonValueKind.Array || media.GetArrayLength() == 0)
        {
            return (null, ApiErrors.Unprocessable(call, MediaPath, "an ARTICLE share needs one media entry"));
        }

        IResult? error = null;
        var first = media[0];
        RequiredSymbol(first, "status", MediaPath + "/0/status", ["READY"], call, ref error);
        var url = RequiredString(first, "originalUrl", MediaPath + "/0/originalUrl", call, ref error);
        if (error is null && !IsAbsoluteHttpUrl(url))
        {
            error = ApiErrors.Unprocessable(call, MediaPath + "/0/originalUrl", $"\"{url}\" is not a valid URL");
        }

        return (url, error);
    }
}
