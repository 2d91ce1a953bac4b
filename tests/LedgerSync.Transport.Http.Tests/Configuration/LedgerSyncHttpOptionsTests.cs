using System.Security.Cryptography.X509Certificates;
using LedgerSync.Tests.Support;
using LedgerSync.Transport;
using LedgerSync.Transport.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static LedgerSync.Tests.Support.TestParties;

namespace LedgerSync.Tests.Configuration;

[TestFixture]
public sealed class LedgerSyncHttpOptionsTests
{
    private TestPki _pki = null!;

    [SetUp]
    public void SetUp() => _pki = new TestPki();

    [TearDown]
    public void TearDown() => _pki.Dispose();

    [Test]
    public void Start_EverythingWrongAtOnce_FailsNamingEveryKey()
    {
        using var host = BuildHost(o =>
        {
            o.Peers.Add(new LedgerSyncHttpPeer { Party = "O=Nobody", Address = new Uri("http://peer.example:80") });
            o.TrustedCertificateThumbprints.Add("ABCD");
            o.ListenUrls.Add("http://0.0.0.0:80");
            o.ConnectTimeout = TimeSpan.Zero;
            o.Path = "no-leading-slash";
        });

        var failure = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(failure!.Failures, Has.Some.Contains("LedgerSync:Http:CertificatePath")
            .And.Some.Contains("LedgerSync:Http:TrustedCertificateThumbprints:0 = 'ABCD'")
            .And.Some.Contains("LedgerSync:Http:Peers:0:Party")
            .And.Some.Contains("LedgerSync:Http:Peers:0:Address = 'http://peer.example/' must be an absolute https:// address")
            .And.Some.Contains("LedgerSync:Http:ListenUrls:0")
            .And.Some.Contains("ConnectTimeout")
            .And.Some.Contains("Path"));
    }

    [Test]
    public void Start_AdmissionLimitsOutOfRangeAndProxyModeWithoutProxies_FailsNamingEveryKey()
    {
        using var host = BuildHost(o =>
        {
            o.Certificate = _pki.Issue(PartyA);
            o.TrustedRootCertificates.Add(_pki.Root);
            o.MaxHelloSize = 100;
            o.HelloTimeout = TimeSpan.Zero;
            o.MaxSessionsPerParty = 0;
            o.MaxSessionsPerConnection = 101;
            o.ClientIdentity = LedgerSyncClientIdentity.TrustedProxy;
            o.TrustedProxyCertificateThumbprints.Add("not-a-thumbprint");
        });

        var failure = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(failure!.Failures, Has.Some.Contains("MaxHelloSize")
            .And.Some.Contains("HelloTimeout")
            .And.Some.Contains("MaxSessionsPerParty")
            .And.Some.Contains("MaxSessionsPerConnection")
            .And.Some.Contains("LedgerSync:Http:TrustedProxyCertificateThumbprints:0 = 'not-a-thumbprint'"));
    }

    [Test]
    public void Start_TrustedProxyModeWithoutProxyThumbprints_Fails()
    {
        using var host = BuildHost(o =>
        {
            o.Certificate = _pki.Issue(PartyA);
            o.TrustedRootCertificates.Add(_pki.Root);
            o.ClientIdentity = LedgerSyncClientIdentity.TrustedProxy;
        });

        Assert.That(() => host.StartAsync(), Throws.TypeOf<OptionsValidationException>()
            .With.Message.Contains("LedgerSync:Http:TrustedProxyCertificateThumbprints").And.Message.Contains("TrustedProxy"));
    }

    [Test]
    public void Defaults_AdmissionLimits_AreTheDocumentedValues()
    {
        var options = new LedgerSyncHttpOptions();

        Assert.Multiple(() =>
        {
            Assert.That(options.MaxHelloSize, Is.EqualTo(4096));
            Assert.That(options.HelloTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(options.MaxSessionsPerParty, Is.EqualTo(2));
            Assert.That(options.MaxSessionsPerConnection, Is.EqualTo(8));
            Assert.That(options.ClientIdentity, Is.EqualTo(LedgerSyncClientIdentity.TlsHandshake));
        });
    }

    [Test]
    public void Start_CertificateOfAnotherParty_FailsNamingBoth()
    {
        using var host = BuildHost(o =>
        {
            o.Certificate = _pki.Issue(PartyC);
            o.TrustedRootCertificates.Add(_pki.Root);
        });

        Assert.That(() => host.StartAsync(), Throws.TypeOf<OptionsValidationException>()
            .With.Message.Contains(PartyC.ToString()).And.Message.Contains(PartyA.ToString()));
    }

    [Test]
    public void Start_NoTrustConfigured_Fails()
    {
        using var host = BuildHost(o => o.Certificate = _pki.Issue(PartyA));

        Assert.That(() => host.StartAsync(), Throws.TypeOf<OptionsValidationException>().With.Message.Contains("no peer can be trusted"));
    }

    [Test]
    public async Task Bind_ConfigurationSection_ReadsDirectoryTrustAndPemFiles()
    {
        var directory = Directory.CreateTempSubdirectory("ledgersync-http-tests-");
        try
        {
            using var certificate = _pki.Issue(PartyA);
            var certificatePath = Path.Combine(directory.FullName, "node.crt");
            var keyPath = Path.Combine(directory.FullName, "node.key");
            var rootPath = Path.Combine(directory.FullName, "root.crt");
            await File.WriteAllTextAsync(certificatePath, certificate.ExportCertificatePem());
            await File.WriteAllTextAsync(keyPath, certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
            await File.WriteAllTextAsync(rootPath, _pki.Root.ExportCertificatePem());
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["LedgerSync:Http:CertificatePath"] = certificatePath,
                ["LedgerSync:Http:CertificateKeyPath"] = keyPath,
                ["LedgerSync:Http:TrustedRootCertificatePaths:0"] = rootPath,
                ["LedgerSync:Http:Peers:0:Party"] = "O=PartyB, L=New York, C=US",
                ["LedgerSync:Http:Peers:0:Address"] = "https://127.0.0.1:7443",
                ["LedgerSync:Http:ConnectTimeout"] = "00:00:03",
            }).Build();
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(configuration);
            services.AddLedgerSync(o => o.LocalParty = PartyA).UseHttpTransport();
            await using var provider = services.BuildServiceProvider();

            var options = provider.GetRequiredService<IOptions<LedgerSyncHttpOptions>>().Value;

            Assert.Multiple(() =>
            {
                Assert.That(options.Peers.Single().Party, Is.EqualTo(PartyB.ToString()));
                Assert.That(options.Peers.Single().Address, Is.EqualTo(new Uri("https://127.0.0.1:7443")));
                Assert.That(options.ConnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
                Assert.That(provider.GetRequiredService<HttpTransportSecurity>().Certificate.GetPartyName(), Is.EqualTo(PartyA));
                Assert.That(provider.GetRequiredService<HttpTransportSecurity>().Certificate.HasPrivateKey, Is.True);
            });
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Test]
    public async Task UseHttpTransport_CalledTwice_RegistersOneTransportAndOneListener()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddLedgerSync(o => o.LocalParty = PartyA)
            .UseHttpTransport(o =>
            {
                o.Certificate = _pki.Issue(PartyA);
                o.TrustedRootCertificates.Add(_pki.Root);
            })
            .UseHttpTransport();
        services.AddLedgerSync().UseHttpTransport();
        await using var provider = services.BuildServiceProvider();

        Assert.Multiple(() =>
        {
            Assert.That(services.Count(d => d.ServiceType == typeof(IPeerTransport)), Is.EqualTo(1));
            Assert.That(provider.GetRequiredService<IPeerTransport>(), Is.TypeOf<HttpPeerTransport>());
            Assert.That(provider.GetServices<IHostedService>().Count(h => h.GetType().Name == "LedgerSyncHttpListenerService"), Is.EqualTo(1));
            Assert.That(services.Count(d => d.ServiceType == typeof(IValidateOptions<LedgerSyncHttpOptions>)), Is.EqualTo(2));
        });
    }

    private static IHost BuildHost(Action<LedgerSyncHttpOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddLedgerSync(o => o.LocalParty = PartyA).UseHttpTransport(configure);
        return builder.Build();
    }
}
