using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MassTransit;
using TokenWorkers.Contracts;
using TokenWorkers.Hosting;
using TokenWorkers.Tests.Pipeline;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// <c>Transport:RabbitMq:UseTls</c> end to end: a node of its own with an AMQPS listener whose certificate a private CA
/// signed, made here; the worker trusts that CA through <c>Tls:CaCertificatePath</c> and nothing else.
/// </summary>
public sealed class TlsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("tokenworkers-tls-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_worker_set_to_use_TLS_with_a_private_CA_connects_over_amqps_and_handles_a_command()
    {
        using var authority = NewAuthority("CN=TokenWorkers test CA");
        var (caFile, certificateFile, keyFile) = WriteServerCertificate(authority, "localhost");
        var tlsPort = FreePort();
        var broker = await RabbitMqBroker.StartDedicatedAsync(
            $"listeners.ssl.default = 127.0.0.1:{tlsPort}",
            $"ssl_options.cacertfile = {caFile}",
            $"ssl_options.certfile = {certificateFile}",
            $"ssl_options.keyfile = {keyFile}",
            "ssl_options.verify = verify_none",
            "ssl_options.fail_if_no_peer_cert = false");
        await using var environment = await RabbitMqWorkerEnvironment.StartAsync(broker, ownsBroker: true, Cancel);

        await environment.StartWorkerAsync(new Dictionary<string, string?>
        {
            ["Transport:RabbitMq:Port"] = tlsPort.ToString(CultureInfo.InvariantCulture),
            ["Transport:RabbitMq:UseTls"] = "true",
            ["Transport:RabbitMq:Tls:ServerName"] = "localhost",
            ["Transport:RabbitMq:Tls:CaCertificatePath"] = caFile,
        });
        await environment.ConnectAsync("tls-poster", TimeSpan.FromDays(60));
        var endpoint = await environment.OtherServiceBus.GetSendEndpoint(new Uri("queue:tokenworkers-publish-post"));
        await endpoint.Send(new PublishPost { PostId = "tls-post", ConnectionId = "tls-poster", Text = "Over AMQPS" }, Cancel);

        await PipelineHost.WaitUntilAsync(() => environment.OtherService.Posts<PostPublished>("tls-post").Count >= 1,
            "PostPublished from the worker connected over TLS", TimeSpan.FromSeconds(45));
        var connections = await broker.ControlAsync("list_connections", "-p", environment.VirtualHost, "port", "ssl");
        Assert.Contains($"{tlsPort}\ttrue", connections, StringComparison.Ordinal);
    }

    [Fact]
    public void The_private_CA_check_accepts_only_certificates_that_CA_signed()
    {
        using var authority = NewAuthority("CN=TokenWorkers test CA");
        using var stranger = NewAuthority("CN=Someone else's CA");
        using var signed = NewServerCertificate(authority, "localhost", out _);
        using var forged = NewServerCertificate(stranger, "localhost", out _);
        var check = RabbitMqHostSetup.TrustingOnly(authority);

        Assert.True(check(this, signed, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(check(this, forged, null, SslPolicyErrors.RemoteCertificateChainErrors));
        Assert.False(check(this, signed, null, SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateChainErrors));
    }

    private (string Ca, string Certificate, string Key) WriteServerCertificate(X509Certificate2 authority, string name)
    {
        using var server = NewServerCertificate(authority, name, out var key);
        using (key)
        {
            var files = (Path.Combine(_directory, "ca.pem"), Path.Combine(_directory, "server.pem"), Path.Combine(_directory, "server-key.pem"));
            File.WriteAllText(files.Item1, authority.ExportCertificatePem());
            File.WriteAllText(files.Item2, server.ExportCertificatePem());
            File.WriteAllText(files.Item3, key.ExportPkcs8PrivateKeyPem());
            return files;
        }
    }

    private static X509Certificate2 NewAuthority(string subject)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static X509Certificate2 NewServerCertificate(X509Certificate2 authority, string name, out RSA key)
    {
        key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.Create(authority, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
