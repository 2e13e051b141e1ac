using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MassTransit;
using MassTransit.MessageData;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using TokenWorkers.Posts;
using TokenWorkers.Publishing;
using TokenWorkers.Testing;

namespace TokenWorkers.Tests.Publishing;

/// <summary>
/// Image bytes come from an allowed https host, over a real socket to a local TLS listener that records every request, or from
/// MassTransit's file-system message-data repository on disk; anything outside those limits is refused before it is uploaded.
/// </summary>
public sealed class ImageSourcesTests : IAsyncLifetime
{
    private const long MaxBytes = 64 * 1024;
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly string _repositoryDirectory = Path.Combine(Path.GetTempPath(), "tw-message-data-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _host;
    private int _port;
    private string _thumbprint = "";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        using var certificate = SelfSigned();
        var served = X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
        _thumbprint = served.GetCertHashString();
        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.UseHttps(served)));
        _host = builder.Build();
        _host.Use(async (context, next) =>
        {
            _requests.Enqueue(context.Request.Host + context.Request.Path);
            await next(context);
        });
        _host.MapGet("/ok.png", () => Results.Bytes(TestImages.Png(640, 480), "image/png"));
        _host.MapGet("/declared-big.png", () => Results.Bytes(new byte[MaxBytes + 1], "image/png"));
        _host.MapGet("/undeclared-big.png", async (HttpContext context) =>
        {
            // Chunked, no Content-Length: only counting while reading catches it.
            context.Response.ContentType = "image/png";
            var chunk = TestImages.Png(640, 480).Concat(new byte[8192]).ToArray();
            for (var sent = 0L; sent <= MaxBytes * 4; sent += chunk.Length)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        _host.MapGet("/not-an-image.png", () => Results.Text("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "image/png"));
        _host.MapGet("/moved.png", () => Results.Redirect("https://localhost/ok.png"));
        await _host.StartAsync(Cancel);
        _port = new Uri(_host.Urls.Single()).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (Directory.Exists(_repositoryDirectory))
        {
            Directory.Delete(_repositoryDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task An_image_on_an_allowed_host_is_fetched_and_checked()
    {
        var loaded = await Sources().LoadAsync(FromUrl($"https://127.0.0.1:{_port}/ok.png"), Cancel);

        var image = Assert.IsType<CheckedImage>(loaded);
        Assert.Equal("image/png", image.ContentType);
        Assert.Single(_requests);
    }

    [Fact]
    public async Task A_host_not_on_the_allow_list_is_refused_and_never_asked()
    {
        // The same listener under another name: the host is judged by the name in the URL, before any request.
        var refused = await Sources().LoadAsync(FromUrl($"https://localhost:{_port}/ok.png"), Cancel);
        var noList = await Sources(allowed: []).LoadAsync(FromUrl($"https://127.0.0.1:{_port}/ok.png"), Cancel);

        Assert.Contains("not in Publishing:Images:AllowedHosts", Assert.IsType<ImageRefused>(refused).Reason, StringComparison.Ordinal);
        Assert.IsType<ImageRefused>(noList);
        Assert.Empty(_requests);
    }

    [Fact]
    public async Task Plain_http_and_credentials_in_the_url_are_refused_before_any_request()
    {
        Assert.IsType<ImageRefused>(await Sources().LoadAsync(FromUrl($"http://127.0.0.1:{_port}/ok.png"), Cancel));
        Assert.IsType<ImageRefused>(await Sources().LoadAsync(FromUrl($"https://user:pw@127.0.0.1:{_port}/ok.png"), Cancel));
        Assert.Empty(_requests);
    }

    [Fact]
    public async Task An_image_over_the_size_limit_is_refused_by_its_declared_length_and_while_reading()
    {
        var declared = await Sources().LoadAsync(FromUrl($"https://127.0.0.1:{_port}/declared-big.png"), Cancel);
        var undeclared = await Sources().LoadAsync(FromUrl($"https://127.0.0.1:{_port}/undeclared-big.png"), Cancel);

        Assert.Contains($"declares {MaxBytes + 1}", Assert.IsType<ImageRefused>(declared).Reason, StringComparison.Ordinal);
        Assert.Contains("larger than Publishing:Images:MaxBytes", Assert.IsType<ImageRefused>(undeclared).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_that_are_not_a_jpg_gif_or_png_are_refused_whatever_the_declared_type()
    {
        var refused = await Sources().LoadAsync(FromUrl($"https://127.0.0.1:{_port}/not-an-image.png"), Cancel);

        Assert.Contains("is not a JPG, GIF or PNG", Assert.IsType<ImageRefused>(refused).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redirect_is_refused_and_its_target_is_never_asked()
    {
        var refused = await Sources(allowed: ["127.0.0.1", "localhost"]).LoadAsync(FromUrl($"https://127.0.0.1:{_port}/moved.png"), Cancel);

        Assert.Contains("redirect", Assert.IsType<ImageRefused>(refused).Reason, StringComparison.Ordinal);
        Assert.Equal([$"127.0.0.1:{_port}/moved.png"], _requests);
    }

    [Fact]
    public async Task Bytes_put_in_the_file_system_message_data_repository_load_by_their_address()
    {
        var repository = new FileSystemMessageDataRepository(new DirectoryInfo(_repositoryDirectory));
        var put = await repository.PutBytes(TestImages.Gif(800, 600), TimeSpan.FromHours(1), Cancel);

        var loaded = await Sources(repository: repository).LoadAsync(new ImageUpload(ImageSource.MessageData, put.Address.ToString(), null), Cancel);

        Assert.StartsWith("urn:file:", put.Address.ToString(), StringComparison.Ordinal);
        Assert.Null(ImageSources.RefusesAddress(put.Address));
        Assert.Equal(TestImages.Gif(800, 600), Assert.IsType<CheckedImage>(loaded).Bytes);
    }

    [Fact]
    public async Task An_address_that_is_missing_or_points_outside_the_repository_is_refused()
    {
        var repository = new FileSystemMessageDataRepository(new DirectoryInfo(_repositoryDirectory));
        Directory.CreateDirectory(_repositoryDirectory);

        var missing = await Sources(repository: repository).LoadAsync(new ImageUpload(ImageSource.MessageData, "urn:file:2026:12:02:nothing", null), Cancel);
        var outside = await Sources(repository: repository).LoadAsync(new ImageUpload(ImageSource.MessageData, "urn:file:..:..:etc:passwd", null), Cancel);

        Assert.Contains("not in the message-data repository", Assert.IsType<ImageRefused>(missing).Reason, StringComparison.Ordinal);
        Assert.Contains("not an address of the worker's message-data repository", Assert.IsType<ImageRefused>(outside).Reason, StringComparison.Ordinal);
    }

    private static ImageUpload FromUrl(string url) => new(ImageSource.Url, url, null);

    private ImageSources Sources(string[]? allowed = null, IMessageDataRepository? repository = null)
    {
        var options = Options.Create(new ImageOptions { AllowedHosts = allowed ?? ["127.0.0.1"], MaxBytes = MaxBytes, FetchTimeout = TimeSpan.FromSeconds(10) });
        // As the worker's client: no redirects followed; this test's listener has a self-signed certificate.
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == _thumbprint;
        return new ImageSources(new ImageFetcher(new HttpClient(handler), options), repository ?? new InMemoryMessageDataRepository(), options);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
