using System.Globalization;
using TokenWorkers.Tests.RabbitMq;

namespace TokenWorkers.Chaos;

/// <summary>The workers' settings: the compressed lifetimes and timings of the profile, and where each part is.</summary>
internal sealed partial class ChaosRun
{
    private Dictionary<string, string?> WorkerSettings(RabbitMqBroker broker, string virtualHost, Uri linkedIn)
    {
        var settings = CommonSettings(broker, virtualHost, linkedIn);
        if (Environment.GetEnvironmentVariable("MONGODB_URI") is { Length: > 0 } mongo)
        {
            // The same run on MongoDB where a server is named; a database of the run's own, so runs never meet.
            settings["Storage:Provider"] = "Mongo";
            settings["Storage:Mongo:ConnectionString"] = mongo;
            settings["Storage:Mongo:Database"] = _mongoDatabase;
        }

        return settings;
    }

    private readonly string _mongoDatabase = $"tw-chaos-{Guid.NewGuid():N}"[..24];

    private Dictionary<string, string?> CommonSettings(RabbitMqBroker broker, string virtualHost, Uri linkedIn) => new()
    {
        ["LinkedIn:OAuthBaseUrl"] = linkedIn.ToString(),
        ["LinkedIn:ApiBaseUrl"] = linkedIn.ToString(),
        ["LinkedIn:ClientId"] = ClientId,
        ["LinkedIn:ClientSecret"] = _clientSecret,
        ["LinkedIn:RequestTimeout"] = Span(options.RequestTimeout),
        ["Storage:DataDirectory"] = Path.Combine(workDirectory, "store"),
        ["Encryption:ActiveKeyId"] = "chaos-1",
        ["Encryption:Keys:chaos-1"] = _encryptionKey,
        ["Refresh:ScanInterval"] = "00:00:01",
        ["Refresh:RefreshLead"] = Span(options.RefreshLead),
        ["Refresh:RefreshJitter"] = Span(options.RefreshJitter),
        ["Refresh:ClockSkewTolerance"] = Span(options.ClockSkewTolerance),
        ["Refresh:LeaseDuration"] = "00:00:15",
        ["Refresh:ClaimTimeout"] = "00:00:30",
        ["Refresh:RetryBaseDelay"] = "00:00:02",
        ["Refresh:RetryMaxDelay"] = "00:00:20",
        ["Refresh:ConfigurationRetryDelay"] = "00:00:10",
        ["Publishing:TokenExpiryMargin"] = options.Quick ? "00:00:10" : "00:00:30",
        ["Publishing:ClaimDuration"] = "00:00:15",
        ["Publishing:LeaseWait"] = "00:00:05",
        ["Publishing:RedispatchAfter"] = "00:01:00",
        ["Publishing:ScanInterval"] = "00:00:02",
        // Members who revoked the app come back through the connect flow, behind one public address (MemberBrowser).
        ["Connect:Enabled"] = "true",
        ["Connect:PublicBaseUrl"] = MemberBrowser.PublicBaseUrl.ToString(),
        ["Connect:StateKey"] = _stateKey,
        ["Transport:Kind"] = "RabbitMq",
        ["Transport:RabbitMq:Host"] = broker.Host,
        ["Transport:RabbitMq:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
        ["Transport:RabbitMq:VirtualHost"] = virtualHost,
        ["Transport:RabbitMq:Username"] = broker.Username,
        ["Transport:RabbitMq:Password"] = broker.Password,
        ["Serilog:MinimumLevel:Default"] = "Information",
    };

    private static string Span(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
