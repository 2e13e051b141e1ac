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
        </style>
        """;

    public const string ContentType = "text/html; charset=utf-8";

    public static void Head(StringBuilder html, string title)
    {
        html.Append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Encode(title)).Append("</title>").Append(Styles).Append("</head><body>");
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
