using System.Globalization;
using System.Net;
using System.Text;

namespace TokenWorkers.Admin;

/// <summary>
/// What both status pages share: the head with its inline stylesheet (no front-end build, nothing else to serve) and
/// one way to write times, so a deadline reads the same on the fleet page and on a connection's page.
/// </summary>
internal static class StatusHtml
{
    private const string Styles = """
        <style>
        body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d2329}
        h1{font-size:1.4rem;margin:0 0 .25rem} .muted{color:#66707a;font-size:.85rem} td code{white-space:nowrap}
        .deadlines{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
        .card{border:1px solid #d5dae0;border-radius:6px;padding:.6rem .9rem;min-width:12rem}
        .card b{display:block;font-size:1.15rem}
        table{border-collapse:collapse;width:100%;font-size:.85rem} th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eceff2;vertical-align:middle}
        .bar{position:relative;height:22px;min-width:320px;background:#f4f6f8;border-radius:3px}
        .seg{position:absolute;border-radius:2px} .refresh{top:3px;height:6px;opacity:.45} .access{top:11px;height:8px}
        .now{position:absolute;top:0;bottom:0;width:2px;background:#1d2329}
        .Healthy .seg{background:#2e9d57} .ExpiringSoon .seg{background:#d99a00} .Failing .seg{background:#e0701a}
        .Dead .seg{background:#c9302c} .Disconnected .seg{background:#9aa3ab}
        .pill{display:inline-block;border-radius:9px;padding:0 .5rem;color:#fff;font-size:.75rem}
        .pill.Healthy{background:#2e9d57} .pill.ExpiringSoon{background:#d99a00} .pill.Failing{background:#e0701a}
        .pill.Dead{background:#c9302c} .pill.Disconnected{background:#9aa3ab} .pill.Unreadable{background:#6f42c1}
        tr.Unreadable td{background:#f6f2fc}
        dl{display:grid;grid-template-columns:max-content auto;gap:.3rem 1.2rem;font-size:.9rem} dt{color:#66707a}
        .outcome.Refreshed,.outcome.Authorized{color:#2e9d57} .outcome.Reauth{color:#c9302c} .outcome.Disconnected{color:#66707a}
        .outcome.Transient,.outcome.RateLimited,.outcome.Configuration,.outcome.Permission,.outcome.Superseded{color:#e0701a}
        .charts{display:flex;gap:1.5rem;flex-wrap:wrap;margin:.5rem 0 1rem} .chart{margin:0;border:1px solid #d5dae0;border-radius:6px;padding:.6rem .9rem}
        .chart figcaption{font-weight:600} .chart p{margin:.2rem 0 .4rem;max-width:52rem} .chart svg{display:block}
        .axis{stroke:#9aa3ab} .label{font-size:10px;fill:#66707a}
        rect.expiry,.key.expiry{fill:#2f6fb3;background:#2f6fb3} rect.ends,.key.ends{fill:#c9302c;background:#c9302c}
        rect.refreshed,.key.refreshed{fill:#2e9d57;background:#2e9d57} rect.rejected,.key.rejected{fill:#c9302c;background:#c9302c}
        rect.transient,.key.transient{fill:#e0701a;background:#e0701a} rect.ratelimited,.key.ratelimited{fill:#d99a00;background:#d99a00}
        rect.other,.key.other{fill:#6f42c1;background:#6f42c1}
        .legend{display:flex;gap:1rem;font-size:.8rem;margin:.3rem 0} .key{display:inline-block;width:.7rem;height:.7rem;margin-right:.3rem;border-radius:2px}
        details{font-size:.8rem} table.numbers{width:auto}
        #filters{display:flex;gap:1rem;align-items:center;flex-wrap:wrap;margin:.5rem 0;font-size:.9rem} .pager{margin:.8rem 0;display:flex;gap:1rem}
        </style>
        """;

    public const string ContentType = "text/html; charset=utf-8";

    public static void Head(StringBuilder html, string title)
    {
        html.Append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Encode(title)).Append("</title>").Append(Styles).Append("</head><body>");
    }

    /// <summary>
    /// What the status pages allow a browser: their inline styles and SVG, forms back to themselves, nothing else (no script,
    /// no other origin, no framing), so a value that slipped past encoding still could not run or leak anything.
    /// </summary>
    public static void Protect(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Headers.ContentSecurityPolicy =
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    public static string When(DateTimeOffset? at, DateTimeOffset now) =>
        at is { } date ? $"<span title=\"{Date(date)}\">{Relative(date, now)}</span>" : "<span class=\"muted\">—</span>";

    public static string Relative(DateTimeOffset at, DateTimeOffset now)
    {
        var span = at - now;
        var magnitude = span.Duration();
        var text = magnitude.TotalDays >= 2 ? $"{magnitude.TotalDays:0} days"
            : magnitude.TotalHours >= 2 ? $"{magnitude.TotalHours:0} hours"
            : magnitude.TotalMinutes >= 1.5 ? $"{magnitude.TotalMinutes:0} minutes"
            : "1 minute";
        return span >= TimeSpan.Zero ? $"in {text}" : $"{text} ago";
    }

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Encode(string value) => WebUtility.HtmlEncode(value);
}
