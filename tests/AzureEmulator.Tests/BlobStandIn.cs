using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace AzureEmulator.Tests;

/// <summary>
/// Stands in for Azurite behind the storage proxy, on a loopback port Kestrel chooses (a port chosen by the test and
/// bound later can be taken meanwhile by a test running beside it): GET answers <see cref="Size"/> bytes; PUT reads
/// its whole body and answers its length. Dispose to stop it.
/// </summary>
internal sealed class BlobStandIn : IAsyncDisposable
{
    public const int Size = 96 * 1024;

    private readonly WebApplication _app;

    private BlobStandIn(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Its account URL, as the emulator's storage proxy is given Azurite's.</summary>
    public Uri AccountUrl => new($"http://127.0.0.1:{Port}/devstoreaccount1");

    public static async Task<BlobStandIn> StartAsync(Action<string>? hostSeen = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        ListenOptions? listen = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => listen = l));
        var app = builder.Build();
        app.Run(async ctx =>
        {
            hostSeen?.Invoke(ctx.Request.Host.Value ?? string.Empty);
            if (HttpMethods.IsPut(ctx.Request.Method))
            {
                var received = 0L;
                var buffer = new byte[16 * 1024];
                for (int n; (n = await ctx.Request.Body.ReadAsync(buffer)) > 0;)
                {
                    received += n;
                }

                ctx.Response.StatusCode = 201;
                await ctx.Response.WriteAsync(received.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return;
            }

            ctx.Response.ContentLength = Size;
            await ctx.Response.Body.WriteAsync(new byte[Size]);
        });
        await app.StartAsync();
        return new BlobStandIn(app, listen!.IPEndPoint!.Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
