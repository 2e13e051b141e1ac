using System.Net;
using Microsoft.AspNetCore.WebUtilities;
using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Oauth;

/// <summary>
/// <c>GET /oauth/v2/authorization</c>: the browser step. A bad client id or redirect URI gets a 401
/// page and no redirect (the caller cannot be trusted with one); every later problem, and the
/// member's answer, goes back to the redirect URI.
/// </summary>
internal sealed class AuthorizationEndpoint(Registrations registrations, TokenStore store, SandboxClock clock, ConsentScreen consent, RuntimeKnobs knobs)
{
    /// <summary>Sandbox-only query parameter naming the member who signs in, for tests that connect several members.</summary>
    public const string MemberParameter = "sandbox_member";

    public ValueTask<IResult> HandleAsync(HttpContext http, CallRecord call) => ValueTask.FromResult(Handle(http.Request.Query, call));

    private IResult Handle(IQueryCollection query, CallRecord call)
    {
        string? Single(string name) => query.TryGetValue(name, out var values) && values.Count == 1 ? values.ToString() : null;

        var clientId = Single("client_id");
        call.ClientId = clientId;
        var app = registrations.FindApp(clientId);
        if (app is null)
        {
            return Page(call, "invalid_client_id", $"The passed in client_id is invalid \"{clientId}\"");
        }

        var redirectUri = Single("redirect_uri");
        if (redirectUri is null || !app.RedirectUris.Contains(redirectUri, StringComparer.Ordinal))
        {
            return Page(call, "invalid_redirect_uri", "The redirect_uri does not match the registered value");
        }

        var state = Single("state");
        if (Single("response_type") != "code")
        {
            return Back(call, redirectUri, state, "unsupported_response_type", "The response_type must be \"code\"");
        }

        var scopes = Scopes.Parse(Single("scope"));
        if (scopes.Length == 0)
        {
            return Back(call, redirectUri, state, "invalid_request", "A required parameter \"scope\" is missing");
        }

        if (scopes.FirstOrDefault(s => !Scopes.Known.Contains(s)) is { } unknown)
        {
            return Back(call, redirectUri, state, "invalid_scope_error", $"Unknown scope \"{unknown}\"");
        }

        if (scopes.FirstOrDefault(s => !app.AllowedScopes.Contains(s, StringComparer.Ordinal)) is { } unauthorized)
        {
            return Back(call, redirectUri, state, "unauthorized_scope_error", $"Scope \"{unauthorized}\" is not authorized for your application");
        }

        var choice = consent.Current;
        var member = registrations.FindMember(Single(MemberParameter) ?? choice.Member) ?? registrations.FirstMember;
        if (member is null)
        {
            return Page(call, "no_member", "No member is signed in to the sandbox");
        }

        call.MemberSub = member.Sub;
        if (choice.Decision == AuthorizationDecision.Deny)
        {
            return Back(call, redirectUri, state, "user_cancelled_authorize", "The user cancelled the authorization");
        }

        var code = OpaqueToken.AuthorizationCode();
        store.Add(code, new AuthorizationCode(app.ClientId, redirectUri, member.Sub, scopes, clock.UtcNow + knobs.Settings.AuthorizationCodeLifetime));
        call.IssuedTokenFingerprint = TokenFingerprint.Of(code);
        return Redirect(redirectUri, state, ("code", code));
    }

    private static IResult Back(CallRecord call, string redirectUri, string? state, string error, string description)
    {
        call.Outcome = error;
        return Redirect(redirectUri, state, ("error", error), ("error_description", description));
    }

    private static IResult Redirect(string redirectUri, string? state, params (string Name, string Value)[] parameters)
    {
        var query = parameters.Select(p => new KeyValuePair<string, string?>(p.Name, p.Value)).ToList();
        if (state is not null)
        {
            query.Add(new("state", state));
        }

        return Results.Redirect(QueryHelpers.AddQueryString(redirectUri, query));
    }

    private static IResult Page(CallRecord call, string outcome, string message)
    {
        call.Outcome = outcome;
        var html = $"<!DOCTYPE html><html><head><title>LinkedIn sandbox</title></head><body><h1>Bummer, something went wrong.</h1><p>{WebUtility.HtmlEncode(message)}</p></body></html>";
        return Results.Content(html, "text/html; charset=utf-8", statusCode: 401);
    }
}
