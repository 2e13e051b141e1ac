using System.Text.Json;
using System.Text.RegularExpressions;
using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Api;

/// <summary>What <c>/v2/ugcPosts</c> and <c>/rest/posts</c> share: reading the body, who may author (the member, or a page they may post for), text length, duplicates.</summary>
internal sealed partial class PostRules(PostStore posts, OrganizationDirectory organizations, SandboxClock clock, RuntimeKnobs knobs)
{
    public static async ValueTask<(JsonDocument? Body, IResult? Error)> ReadBodyAsync(HttpContext http, CallRecord call)
    {
        try
        {
            var body = await JsonDocument.ParseAsync(http.Request.Body);
            if (body.RootElement.ValueKind == JsonValueKind.Object)
            {
                return (body, null);
            }

            body.Dispose();
            return (null, ApiErrors.BadRequest(call, "The request body must be a JSON object"));
        }
        catch (JsonException)
        {
            return (null, ApiErrors.BadRequest(call, "The request body is not valid JSON"));
        }
        catch (BadHttpRequestException)
        {
            return (null, ApiErrors.BadRequest(call, "The request body could not be read"));
        }
    }

    /// <summary>
    /// Whether the scopes allow posting at all, before the body is read: a member post needs <c>w_member_social</c>, a page post
    /// <c>w_organization_social</c>; with neither, nothing can be posted.
    /// </summary>
    public static bool MayPostAtAll(Grant grant) => grant.Contains(Scopes.MemberSocial) || grant.Contains(Scopes.OrganizationSocial);

    /// <summary>
    /// The author: the token's own member (with <c>w_member_social</c>) or a page the member may post for (docs/linkedin-api.md
    /// §9.5–9.6: the scope is checked first, then the page role). Anyone else's URN is refused as LinkedIn refuses it.
    /// </summary>
    public (string? Author, IResult? Error) CheckAuthor(JsonElement body, Grant grant, SandboxMember member, string resource, bool rest, CallRecord call)
    {
        if (!body.TryGetProperty("author", out var author) || author.ValueKind == JsonValueKind.Null)
        {
            return (null, ApiErrors.Unprocessable(call, "/author", "field is required but not found and has no default value"));
        }

        var urn = author.ValueKind == JsonValueKind.String ? author.GetString()! : author.GetRawText();
        var person = PersonUrn().Match(urn);
        if (person.Success)
        {
            return person.Groups[1].Value == member.Sub && grant.Contains(Scopes.MemberSocial)
                ? (urn, null)
                : (null, ApiErrors.AccessDenied(call, resource));
        }

        if (!OrganizationUrn().IsMatch(urn))
        {
            return (null, ApiErrors.Unprocessable(call, "/author", $"\"{urn}\" does not match urn:li:person:[A-Za-z0-9_-]+|urn:li:organization:\\d+"));
        }

        if (!grant.Contains(Scopes.OrganizationSocial))
        {
            // /rest/posts: the observed 400 (§9.5, 2026-06 wording). /v2/ugcPosts: no body was captured, so the generic 403 of §4.3.
            return (null, rest ? ApiErrors.OrganizationPermissionsMissing(call) : ApiErrors.AccessDenied(call, resource));
        }

        // No body was captured for a member without a posting role on the page (Open question 18): §9.6's emulator default.
        return organizations.MayPost(member.Sub, urn) ? (urn, null) : (null, ApiErrors.AccessDenied(call, resource));
    }

    /// <summary>Length in Unicode code points, as LinkedIn's composer counts: an emoji is one, not two UTF-16 units.</summary>
    public static int CodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }

    public IResult? CheckLength(string text, string path, CallRecord call)
    {
        var length = CodePoints(text);
        var max = knobs.Settings.MaxPostLength;
        return length > max
            ? ApiErrors.Unprocessable(call, path, $"length {length} exceeds the maximum allowed length of {max} characters")
            : null;
    }

    public (SandboxPost? Created, IResult? Error) Create(
        SandboxEndpoint endpoint, Grant grant, string author, string text, string? articleUrl, CallRecord call, PostImages? images = null)
    {
        var (created, earlier) = posts.Create(
            endpoint, author, text, articleUrl, grant.ClientId, grant.Id, clock.UtcNow, knobs.Settings.DuplicatePostWindow, images?.Images, images?.Hidden ?? false);
        if (created is null)
        {
            return (null, ApiErrors.Duplicate(call, earlier!.Urn));
        }

        call.PostUrn = created.Urn;
        return (created, null);
    }

    /// <summary>A string value at <paramref name="name"/>, or the gateway error for a missing or mistyped field.</summary>
    public static string? RequiredString(JsonElement parent, string name, string path, CallRecord call, ref IResult? error)
    {
        if (error is not null)
        {
            return null;
        }

        if (parent.ValueKind != JsonValueKind.Object || !parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            error = ApiErrors.Unprocessable(call, path, "field is required but not found and has no default value");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            error = ApiErrors.Unprocessable(call, path, $"{value.GetRawText()} is not a string");
            return null;
        }

        return value.GetString();
    }

    /// <summary>Like <see cref="RequiredString"/>, and the value must be one of <paramref name="symbols"/>.</summary>
    public static string? RequiredSymbol(JsonElement parent, string name, string path, string[] symbols, CallRecord call, ref IResult? error)
    {
        var value = RequiredString(parent, name, path, call, ref error);
        if (value is not null && !symbols.Contains(value, StringComparer.Ordinal))
        {
            error = ApiErrors.Unprocessable(call, path, $"\"{value}\" is not an enum symbol");
            return null;
        }

        return value;
    }

    public static JsonElement Child(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var child) ? child : default;

    public static bool IsAbsoluteHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    [GeneratedRegex("^urn:li:person:([A-Za-z0-9_-]{1,64})$")]
    internal static partial Regex PersonUrn();

    [GeneratedRegex(@"^urn:li:(organization|company):\d+$")]
    internal static partial Regex OrganizationUrn();
}
