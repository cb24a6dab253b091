using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Vae.Core.Tests;

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (ephemeral port) for download tests. Each request gets the handler's
/// response, then the connection closes. A response may declare a longer Content-Length than the body it sends, to
/// simulate a transfer cut short.
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _cts = new();
    private readonly Func<string, int, Response> _handler;
    private readonly Task _loop;

    /// <param name="handler">Maps (path, how many times this path was requested before) to a response.</param>
    public LocalHttpServer(Func<string, int, Response> handler)
    {
        _handler = handler;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _loop = Task.Run(AcceptLoop);
    }

    public Uri BaseUri { get; }

    public ConcurrentDictionary<string, int> Requests { get; } = new();

    public Uri Url(string relative) => new(BaseUri, relative);

    /// <summary>A port on which nothing listens (bound, then released).</summary>
    public static Uri DeadUri()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    public void Dispose()
    {
        _cts.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _cts.Dispose();
    }

    private async Task AcceptLoop()
    {
        while (!_cts.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_cts.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => Serve(client));
        }
    }

    private async Task Serve(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    int n = await stream.ReadAsync(buffer, _cts.Token);
                    if (n == 0)
                    {
                        return;
                    }

                    request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }

                string path = request.ToString().Split(' ')[1];
                int seen = Requests.AddOrUpdate(path, 1, (_, c) => c + 1) - 1;
                var response = _handler(path, seen);
                string head = $"HTTP/1.1 {response.Status} {(response.Status == 200 ? "OK" : "Error")}\r\n" +
                              $"Content-Length: {response.DeclaredLength ?? response.Body.Length}\r\n" +
                              "Content-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _cts.Token);
                await stream.WriteAsync(response.Body, _cts.Token);
                await stream.FlushAsync(_cts.Token);
                client.Client.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException)
            {
            }
        }
    }

    public sealed record Response(int Status, byte[] Body, long? DeclaredLength = null)
    {
        public static Response NotFound { get; } = new(404, Encoding.ASCII.GetBytes("not found"));

        public static Response Ok(byte[] body) => new(200, body);
    }
}
