using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.Features;
using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Api;

/// <summary>
/// <c>DELETE /v2/ugcPosts/{encoded urn}</c> and <c>DELETE /rest/posts/{encoded urn}</c>: the author deletes a post (204, and
/// 204 again for a post already deleted); another member's post is 403 ACCESS_DENIED, a URN no post has 404. Either URN
/// type is accepted by both (docs/linkedin-api.md §11). The headers are checked as the create calls check them.
/// </summary>
/// <remarks>
/// Where LinkedIn's answer is not captured (Open question 26) the sandbox chooses, and docs/sandbox.md says so: a malformed
/// URN, or one with its colons not percent-encoded in the path, is 400; the 404 body is the API envelope with NOT_FOUND; a
/// <c>urn:li:ugcPost:</c> URN finds only a post created under that exact URN (the sandbox issues share URNs only).
/// </remarks>
internal sealed partial class PostDeleteEndpoint(ApiAuthenticator authenticator, PostStore posts, OrganizationDirectory organizations, SandboxClock clock, ApiVersions versions)
{
    public ValueTask<IResult> HandleUgcPostsAsync(HttpContext http, CallRecord call) => ValueTask.FromResult(Handle(http, call, rest: false));

    public ValueTask<IResult> HandlePostsAsync(HttpContext http, CallRecord call) => ValueTask.FromResult(Handle(http, call, rest: true));

    private IResult Handle(HttpContext http, CallRecord call, bool rest)
    {
        // Deleting is not posting: it counts against the app's daily calls, not the member's daily posts.
        var (grant, member, error) = authenticator.Authenticate(http, call, posting: false);
        if (error is not null)
        {
            return error;
        }

        string resource;
        if (rest)
        {
            var version = http.Request.Headers["LinkedIn-Version"].ToString();
            if (version.Length == 0)
            {
                return ApiErrors.VersionMissing(call);
            }

            if (versions.Refused(version) is { } inactive)
            {
                return ApiErrors.VersionInactive(call, inactive);
            }

            resource = "partnerApiPostsExternal.DELETE." + version;
        }
        else
        {
            if (http.Request.Headers["X-Restli-Protocol-Version"] != "2.0.0")
            {
                return ApiErrors.BadRequest(call, "The X-Restli-Protocol-Version header must be 2.0.0");
            }

            resource = "ugcPosts.DELETE.NO_VERSION";
        }

        if (!PostRules.MayPostAtAll(grant!))
        {
            return ApiErrors.AccessDenied(call, resource);
        }

        var urn = http.GetRouteValue("urn") as string ?? "";
        if (!PostUrn().IsMatch(urn))
        {
            return ApiErrors.BadRequest(call, $"\"{urn}\" is not a post URN (urn:li:share:{{id}} or urn:li:ugcPost:{{id}})");
        }

        // Routing decodes the path once; the raw target shows whether the caller encoded the key as Rest.li requires.
        var raw = http.Features.Get<IHttpRequestFeature>()?.RawTarget ?? "";
        if (raw.Contains(urn, StringComparison.Ordinal))
        {
            return ApiErrors.BadRequest(call, "The post URN in the path must be URL-encoded (a colon as %3A)");
        }

        call.PostUrn = urn;
        // §11: the member's own posts with w_member_social; a page's posts with w_organization_social and a posting role there.
        bool MayDelete(string author) => author == member!.PersonUrn
            ? grant!.Contains(Scopes.MemberSocial)
            : grant!.Contains(Scopes.OrganizationSocial) && organizations.MayPost(member.Sub, author);
        return posts.Delete(urn, MayDelete, clock.UtcNow) switch
        {
            PostDeletion.Deleted or PostDeletion.AlreadyDeleted => Results.StatusCode(StatusCodes.Status204NoContent),
            PostDeletion.NotOwned => ApiErrors.AccessDenied(call, resource),
            _ => ApiErrors.PostNotFound(call, urn),
        };
    }

    [GeneratedRegex(@"^urn:li:(share|ugcPost):\d{1,19}$")]
    private static partial Regex PostUrn();
}
