using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using TokenWorkers.Sandbox.Control;

namespace TokenWorkers.Sandbox.Oauth;

/// <summary>
/// Reads the form the OAuth endpoints take. LinkedIn reads parameters from an urlencoded body only
/// (client credentials included: HTTP Basic is not accepted), so anything else is refused here.
/// </summary>
internal sealed class OauthForm
{
    private readonly IFormCollection _form;

    private OauthForm(IFormCollection form) => _form = form;

    public static async ValueTask<(OauthForm? Form, IResult? Error)> ReadAsync(HttpContext http, CallRecord call)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type)
            || !type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return (null, OauthErrors.WrongContentType(call));
        }

        // Read even if the caller has hung up: a server that received the whole request still acts on it.
        try
        {
            return (new OauthForm(await http.Request.ReadFormAsync()), null);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return (null, OauthErrors.MalformedBody(call));
        }
    }

    /// <summary>The single value of <paramref name="name"/>, or the error LinkedIn gives when it is missing or repeated.</summary>
    public string? Required(string name, CallRecord call, ref IResult? error)
    {
        if (error is not null)
        {
            return null;
        }

        var values = _form.TryGetValue(name, out var found) ? found : StringValues.Empty;
        if (values.Count > 1)
        {
            error = OauthErrors.Repeated(call, name);
            return null;
        }

        var value = values.ToString();
        if (string.IsNullOrEmpty(value))
        {
            error = OauthErrors.Missing(call, name);
            return null;
        }

        return value;
    }
}
