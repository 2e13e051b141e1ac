using TokenWorkers.Connect;

namespace TokenWorkers.Tests.Connect;

public sealed class ConnectOptionsValidatorTests
{
    private static readonly ConnectOptionsValidator Validator = new();

    [Fact]
    public void A_disabled_flow_needs_nothing()
    {
        Assert.True(Validator.Validate(null, new ConnectOptions()).Succeeded);
    }

    [Fact]
    public void An_enabled_flow_without_its_settings_names_each_of_them()
    {
        var options = new ConnectOptions { Enabled = true, StateLifetime = TimeSpan.FromHours(2) };
        options.AllowedReturnOrigins.Add("https://app.example.com/path");

        var failures = Validator.Validate(null, options).Failures!.ToArray();

        Assert.Contains(failures, f => f.StartsWith("Connect:PublicBaseUrl", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Connect:StateKey is required", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Connect:StateLifetime", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Connect:AllowedReturnOrigins entry 'https://app.example.com/path'", StringComparison.Ordinal));
    }

    [Fact]
    public void A_short_state_key_is_refused_without_showing_it()
    {
        var options = new ConnectOptions { Enabled = true, PublicBaseUrl = new Uri("https://tw.example.com/"), StateKey = Convert.ToBase64String(new byte[16]) };

        var failure = Assert.Single(Validator.Validate(null, options).Failures!);

        Assert.Equal("Connect:StateKey must be base64 of at least 32 bytes.", failure);
    }
}
