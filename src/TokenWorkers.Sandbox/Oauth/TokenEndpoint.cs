using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.Hosting;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Oauth;

/// <summary><c>POST /oauth/v2/accessToken</c>: the authorization-code and refresh-token grants.</summary>
internal sealed class TokenEndpoint(Registrations registrations, TokenStore store, TokenIssuer issuer, SandboxClock clock, RuntimeKnobs knobs)
{
    public async ValueTask<IResult> HandleAsync(HttpContext http, CallRecord call)
    {
        var (form, error) = await OauthForm.ReadAsync(http, call);
        if (form is null)
        {
            return error!;
        }

        var grantType = form.Required("grant_type", call, ref error);
        call.GrantType = grantType;
        return grantType switch
        {
            null => error!,
            "authorization_code" => ExchangeCode(form, call),
            "refresh_token" => Refresh(form, call),
            _ => OauthErrors.UnsupportedGrantType(call, grantType),
        };
    }

    private IResult ExchangeCode(OauthForm form, CallRecord call)
    {
        IResult? error = null;
        var code = form.Required("code", call, ref error);
        var redirectUri = form.Required("redirect_uri", call, ref error);
        var clientId = form.Required("client_id", call, ref error);
        var clientSecret = form.Required("client_secret", call, ref error);
        if (error is not null)
        {
            return error;
        }

        call.ClientId = clientId;
        call.TokenFingerprint = TokenFingerprint.Of(code!);
        var app = ClientCredentials.Authenticate(registrations, clientId!, clientSecret!);
        if (app is null)
        {
            return OauthErrors.ClientAuthenticationFailed(call);
        }

        var issued = store.FindCode(code!);
        if (issued is null)
        {
            return OauthErrors.CodeNotFound(call);
        }

        call.MemberSub = issued.MemberSub;
        var member = registrations.FindMember(issued.MemberSub);
        if (!string.Equals(issued.ClientId, app.ClientId, StringComparison.Ordinal)
            || !string.Equals(issued.RedirectUri, redirectUri, StringComparison.Ordinal)
            || clock.UtcNow >= issued.ExpiresAt
            || member is null
            || !issued.TryConsume())
        {
            return OauthErrors.CodeMismatch(call);
        }

        return Success(issuer.IssueGrant(app, member, issued.Scopes), call);
    }

    private IResult Refresh(OauthForm form, CallRecord call)
    {
        IResult? error = null;
        var refreshToken = form.Required("refresh_token", call, ref error);
        var clientId = form.Required("client_id", call, ref error);
        var clientSecret = form.Required("client_secret", call, ref error);
        if (error is not null)
        {
            return error;
        }

        call.ClientId = clientId;
        var record = store.FindRefresh(refreshToken!);
        call.TokenFingerprint = record?.Fingerprint ?? TokenFingerprint.Of(refreshToken!);
        if (record is not null)
        {
            call.Use(record.Grant);
            call.ClientId = clientId;
        }

        var app = ClientCredentials.Authenticate(registrations, clientId!, clientSecret!);
        if (app is null)
        {
            return OauthErrors.ClientAuthenticationFailed(call);
        }

        var issued = issuer.Refresh(app, refreshToken!, record);
        return issued is null
            ? OauthErrors.InvalidRefreshToken(call, knobs.RefreshTokenError)
            : Success(issued, call);
    }

    private static IResult Success(IssuedTokens issued, CallRecord call)
    {
        call.Use(issued.Grant);
        call.IssuedTokenFingerprint = issued.AccessTokenFingerprint;
        return Results.Json(issued.ToResponse(), SandboxJson.Options);
    }
}
