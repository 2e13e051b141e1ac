using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Oauth;

/// <summary>
/// <c>POST /oauth/v2/revoke</c>: revoking either token of a grant revokes the whole grant, as a
/// member removing the app does. Unknown tokens also get 200 (RFC 7009), so callers can retry freely.
/// </summary>
internal sealed class RevokeEndpoint(Registrations registrations, TokenStore store)
{
    public async ValueTask<IResult> HandleAsync(HttpContext http, CallRecord call)
    {
        var (form, error) = await OauthForm.ReadAsync(http, call);
        if (form is null)
        {
            return error!;
        }

        var token = form.Required("token", call, ref error);
        var clientId = form.Required("client_id", call, ref error);
        var clientSecret = form.Required("client_secret", call, ref error);
        if (error is not null)
        {
            return error;
        }

        call.ClientId = clientId;
        var app = ClientCredentials.Authenticate(registrations, clientId!, clientSecret!);
        var access = store.FindAccess(token!);
        var refresh = access is null ? store.FindRefresh(token!) : null;
        var grant = access?.Grant ?? refresh?.Grant;
        call.TokenFingerprint = access?.Fingerprint ?? refresh?.Fingerprint ?? TokenFingerprint.Of(token!);
        if (app is null)
        {
            return OauthErrors.ClientAuthenticationFailed(call);
        }

        if (grant is null)
        {
            call.Outcome = "unknown_token";
        }
        else if (!string.Equals(grant.ClientId, app.ClientId, StringComparison.Ordinal))
        {
            call.Outcome = "foreign_token";
        }
        else
        {
            call.Use(grant);
            grant.Revoke();
        }

        return Results.Ok();
    }
}
