#Requires -Version 7.4
# Test stack for CustomerInsightsSynapse: Azurite (blob, HTTPS, OAuth) and the Azure emulator (ARM, Graph,
# Synapse dev endpoint) on free local ports, seeded from a scenario, with test tokens for the scenario's user.
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..' '..')).Path
$script:EmulatorProject = Join-Path $script:RepoRoot 'tests' 'AzureEmulator'
$script:DefaultScenario = Join-Path $script:EmulatorProject 'Scenarios' 'prepared-tenant.json'
$script:AzuriteKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

function ConvertTo-Base64Url([byte[]] $Bytes) {
    [Convert]::ToBase64String($Bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')
}

function New-CISynapseTestToken {
    <#
    .SYNOPSIS
    Makes an unsigned test JWT (header.payload.signature) that the emulator and Azurite (--oauth basic) accept.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)] [string] $ObjectId,
        [Parameter(Mandatory)] [string] $TenantId,
        [Parameter(Mandatory)] [string] $Audience,
        [TimeSpan] $ExpiresIn = [TimeSpan]::FromHours(1),
        [string] $AppId,
        # Further claims (e.g. a canary string in 'name'); they override the standard ones of the same name.
        [hashtable] $ExtraClaims = @{}
    )
    $now = [DateTimeOffset]::UtcNow
    $issued = if ($ExpiresIn -le [TimeSpan]::Zero) { $now.Add($ExpiresIn).AddHours(-1) } else { $now.AddMinutes(-5) }
    $payload = [ordered]@{
        aud = $Audience
        iss = "https://sts.windows.net/$TenantId/"
        iat = $issued.ToUnixTimeSeconds()
        nbf = $issued.ToUnixTimeSeconds()
        exp = $now.Add($ExpiresIn).ToUnixTimeSeconds()
        oid = $ObjectId
        tid = $TenantId
        ver = '1.0'
    }
    if ($AppId) { $payload.appid = $AppId; $payload.idtyp = 'app' } else { $payload.scp = 'user_impersonation' }
    foreach ($claim in $ExtraClaims.GetEnumerator()) { $payload[$claim.Key] = $claim.Value }
    $header = ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes('{"alg":"none","typ":"JWT"}'))
    $body = ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes(($payload | ConvertTo-Json -Compress)))
    $signature = ConvertTo-Base64Url ([Text.Encoding]::UTF8.GetBytes('unsigned'))
    "$header.$body.$signature"
}

function New-CISynapseTestCertificate {
    <#
    .SYNOPSIS
    Creates (once) a self-signed certificate for 127.0.0.1/localhost: cert.pem, key.pem and ca-bundle.pem
    (system CAs plus this certificate, for SSL_CERT_FILE).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Folder)

    $null = New-Item -ItemType Directory -Force -Path $Folder
    $certPath = Join-Path $Folder 'cert.pem'
    $keyPath = Join-Path $Folder 'key.pem'
    $bundlePath = Join-Path $Folder 'ca-bundle.pem'
    $valid = $false
    if ((Test-Path $certPath) -and (Test-Path $keyPath) -and (Test-Path $bundlePath)) {
        try {
            $existing = [System.Security.Cryptography.X509Certificates.X509Certificate2]::CreateFromPemFile($certPath, $keyPath)
            $valid = $existing.NotAfter -gt [DateTime]::Now.AddDays(7)
            $existing.Dispose()
        } catch { $valid = $false }
    }

    if (-not $valid) {
        $rsa = [System.Security.Cryptography.RSA]::Create(2048)
        try {
            $request = [System.Security.Cryptography.X509Certificates.CertificateRequest]::new(
                'CN=127.0.0.1', $rsa, [System.Security.Cryptography.HashAlgorithmName]::SHA256,
                [System.Security.Cryptography.RSASignaturePadding]::Pkcs1)
            $san = [System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder]::new()
            $san.AddIpAddress([System.Net.IPAddress]::Loopback)
            $san.AddDnsName('localhost')
            $request.CertificateExtensions.Add($san.Build())
            $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension]::new($true, $false, 0, $true))
            $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509KeyUsageExtension]::new(
                [System.Security.Cryptography.X509Certificates.X509KeyUsageFlags]'DigitalSignature, KeyEncipherment, KeyCertSign', $true))
            $eku = [System.Security.Cryptography.OidCollection]::new()
            $null = $eku.Add([System.Security.Cryptography.Oid]::new('1.3.6.1.5.5.7.3.1'))
            $request.CertificateExtensions.Add([System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension]::new($eku, $false))
            $cert = $request.CreateSelfSigned([DateTimeOffset]::UtcNow.AddDays(-1), [DateTimeOffset]::UtcNow.AddYears(2))
            $certPem = $cert.ExportCertificatePem()
            [IO.File]::WriteAllText($keyPath, $rsa.ExportPkcs8PrivateKeyPem() + "`n")
            if (-not $IsWindows) { & chmod 600 $keyPath }
            [IO.File]::WriteAllText($certPath, $certPem + "`n")
            $system = '/etc/ssl/certs/ca-certificates.crt'
            $bundle = if (Test-Path $system) { [IO.File]::ReadAllText($system).TrimEnd() + "`n" } else { '' }
            [IO.File]::WriteAllText($bundlePath, $bundle + $certPem + "`n")
            $cert.Dispose()
        } finally { $rsa.Dispose() }
    }

    [pscustomobject]@{ CertificatePath = $certPath; KeyPath = $keyPath; BundlePath = $bundlePath }
}

# build.ps1 sets CISYNAPSE_TEST_PID_DIR and stops every process recorded there after a run, even a crashed one.
function Register-TestProcess([int] $Id) {
    if ($env:CISYNAPSE_TEST_PID_DIR) {
        $null = New-Item -ItemType Directory -Force -Path $env:CISYNAPSE_TEST_PID_DIR
        Set-Content -LiteralPath (Join-Path $env:CISYNAPSE_TEST_PID_DIR "teststack-$Id.pid") -Value $Id
    }
}

function Unregister-TestProcess([int] $Id) {
    if ($env:CISYNAPSE_TEST_PID_DIR) {
        Remove-Item -LiteralPath (Join-Path $env:CISYNAPSE_TEST_PID_DIR "teststack-$Id.pid") -ErrorAction Ignore
    }
}

# For a process that cannot be given port 0 (Azurite is started before the emulator that must know its URL): a free
# port below the ephemeral range, which the system never hands to a socket bound to port 0 or to an outgoing
# connection, so no process of the suite can take it between this check and Azurite's own bind.
function Get-FreeTcpPort {
    $lowest, $highest = 20000, 32767
    $range = '/proc/sys/net/ipv4/ip_local_port_range'
    if (Test-Path -LiteralPath $range) {
        $ephemeralStart = [int](((Get-Content -Raw -LiteralPath $range).Trim() -split '\s+')[0])
        $highest = [Math]::Min($highest, $ephemeralStart - 1)
        $lowest = [Math]::Min($lowest, [Math]::Max(1024, $highest - 4096))
    }
    if ($highest -le $lowest) {
        # An ephemeral range that starts this low leaves no port outside it: one it hands out, released for Azurite.
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $listener.Start()
        try { return $listener.LocalEndpoint.Port } finally { $listener.Stop() }
    }
    for ($attempt = 0; $attempt -lt 200; $attempt++) {
        $port = Get-Random -Minimum $lowest -Maximum ($highest + 1)
        $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, $port)
        try {
            $listener.Start()
            return $port
        } catch [System.Net.Sockets.SocketException] {
            Write-Verbose "Port $port is taken; trying another."
        } finally {
            $listener.Stop()
        }
    }
    throw "No free TCP port between $lowest and $highest after 200 attempts."
}

function Get-EmulatorAssembly {
    $candidates = foreach ($configuration in 'Release', 'Debug') {
        $dll = Join-Path $script:EmulatorProject 'bin' $configuration 'net10.0' 'AzureEmulator.dll'
        if (Test-Path $dll) { Get-Item $dll }
    }
    $newest = $candidates | Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1
    if ($newest) { return $newest.FullName }

    Write-Verbose 'Building tests/AzureEmulator (first use).'
    $output = & dotnet build (Join-Path $script:EmulatorProject 'AzureEmulator.csproj') -c Debug -nologo -v q 2>&1
    if ($LASTEXITCODE -ne 0) { throw "Building the Azure emulator failed:`n$($output -join "`n")" }
    Join-Path $script:EmulatorProject 'bin' 'Debug' 'net10.0' 'AzureEmulator.dll'
}

function Wait-ForLogLine {
    param([string] $Path, [string] $Pattern, [System.Diagnostics.Process] $Process, [string] $Name, [int] $TimeoutSeconds = 60)
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while ([DateTime]::UtcNow -lt $deadline) {
        if (Test-Path $Path) {
            $match = Select-String -Path $Path -Pattern $Pattern | Select-Object -First 1
            if ($match) { return $match }
        }
        if ($Process.HasExited) { break }
        Start-Sleep -Milliseconds 100
    }
    $log = if (Test-Path $Path) { Get-Content -Raw $Path } else { '' }
    throw "$Name did not become ready (exited: $($Process.HasExited)). Output:`n$log"
}

function ConvertTo-ScenarioHashtable {
    param([object] $Scenario)
    if ($null -eq $Scenario) { $Scenario = $script:DefaultScenario }
    if ($Scenario -is [System.Collections.IDictionary]) {
        return ($Scenario | ConvertTo-Json -Depth 32 | ConvertFrom-Json -AsHashtable)
    }
    if ($Scenario -is [string] -or $Scenario -is [System.IO.FileInfo]) {
        return (Get-Content -Raw -Path $Scenario | ConvertFrom-Json -AsHashtable)
    }
    return ($Scenario | ConvertTo-Json -Depth 32 | ConvertFrom-Json -AsHashtable)
}

function Start-CISynapseAzurite {
    <#
    .SYNOPSIS
    Starts Azurite's Blob endpoint on a free loopback port: the one way every test runner, the test stack and the bench
    start it. Plain HTTP with the development account by default; -Certificate makes it HTTPS, -OAuth accepts tokens.
    .PARAMETER NoWait
    Return at once; call Wait-CISynapseAzurite before the first request (lets a caller start other processes meanwhile).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $DataFolder,
        [object] $Certificate,
        [switch] $OAuth,
        [string[]] $Account = @('devstoreaccount1'),
        [switch] $NoWait
    )
    $exe = Join-Path $script:RepoRoot 'node_modules' '.bin' 'azurite-blob'
    if (-not (Test-Path $exe)) { throw "Azurite is not installed: run 'npm ci --no-audit --no-fund' in $script:RepoRoot (build.ps1 does)." }
    $null = New-Item -ItemType Directory -Force -Path $DataFolder
    $port = Get-FreeTcpPort
    $log = Join-Path $DataFolder 'azurite.log'
    $arguments = @('--blobHost', '127.0.0.1', '--blobPort', "$port", '--location', $DataFolder, '--skipApiVersionCheck', '--loose', '--disableTelemetry')
    if ($Certificate) { $arguments += @('--cert', $Certificate.CertificatePath, '--key', $Certificate.KeyPath) }
    if ($OAuth) {
        if (-not $Certificate) { throw 'Azurite accepts OAuth tokens over HTTPS only: -OAuth needs -Certificate.' }
        $arguments += @('--oauth', 'basic')
    }
    $accountSetting = ($Account | ForEach-Object { "${_}:$script:AzuriteKey" }) -join ';'
    $process = Start-Process -FilePath $exe -PassThru -NoNewWindow -RedirectStandardOutput $log `
        -RedirectStandardError (Join-Path $DataFolder 'azurite.err') -Environment @{ AZURITE_ACCOUNTS = $accountSetting } -ArgumentList $arguments
    Register-TestProcess $process.Id
    $scheme = if ($Certificate) { 'https' } else { 'http' }
    $azurite = [pscustomobject]@{
        Process          = $process
        DataFolder       = $DataFolder
        Log              = $log
        BlobUrl          = "${scheme}://127.0.0.1:$port/devstoreaccount1"
        ConnectionString = "DefaultEndpointsProtocol=$scheme;AccountName=devstoreaccount1;AccountKey=$script:AzuriteKey;BlobEndpoint=${scheme}://127.0.0.1:$port/devstoreaccount1;"
    }
    if (-not $NoWait) { Wait-CISynapseAzurite $azurite }
    $azurite
}

function Wait-CISynapseAzurite {
    param([Parameter(Mandatory)] [object] $Azurite)
    $null = Wait-ForLogLine -Path $Azurite.Log -Pattern 'successfully listens' -Process $Azurite.Process -Name 'Azurite'
}

function Stop-CISynapseAzurite {
    param([Parameter(Mandatory)] [object] $Azurite, [switch] $RemoveData)
    Stop-TestProcess $Azurite.Process.Id
    if ($RemoveData) { Remove-Item -Recurse -Force -ErrorAction SilentlyContinue -Path $Azurite.DataFolder }
}

function Stop-TestProcess([int] $Id) {
    $process = Get-Process -Id $Id -ErrorAction SilentlyContinue
    if ($process) {
        try { $process.Kill($true) } catch { Write-Verbose "Process $Id already gone: $_" }
        if (-not $process.WaitForExit(15000)) { Write-Warning "Process $Id did not exit within 15 s." }
    }
    Unregister-TestProcess $Id
}

function Initialize-CISynapseTestRun {
    <#
    .SYNOPSIS
    Prepares a test, demo or bench run: the test certificate that child processes trust (SSL_CERT_FILE) and the folder
    where every started process is recorded, so Stop-CISynapseTestRunProcess can stop what a crashed run left behind.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Folder)
    $cert = New-CISynapseTestCertificate -Folder (Join-Path $Folder 'certificate')
    $env:SSL_CERT_FILE = $cert.BundlePath
    $env:CISYNAPSE_TEST_CERT_DIR = Split-Path -Parent $cert.CertificatePath
    $env:CISYNAPSE_TEST_PID_DIR = Join-Path $Folder 'pids'
    $null = New-Item -ItemType Directory -Force -Path $env:CISYNAPSE_TEST_PID_DIR
    $cert
}

function Stop-CISynapseTestRunProcess {
    <#
    .SYNOPSIS
    Stops every process the test stack recorded under CISYNAPSE_TEST_PID_DIR (what a crashed test left running).
    #>
    [CmdletBinding()]
    param()
    $pidFolder = $env:CISYNAPSE_TEST_PID_DIR
    if (-not $pidFolder -or -not (Test-Path $pidFolder)) { return }
    foreach ($file in Get-ChildItem -File $pidFolder) {
        $id = 0
        if ([int]::TryParse((Get-Content -Raw $file).Trim(), [ref] $id)) { Stop-TestProcess $id }
        Remove-Item -Force -ErrorAction SilentlyContinue $file
    }
}

function Start-CISynapseTestStack {
    <#
    .SYNOPSIS
    Starts Azurite and the Azure emulator on free ports with a scenario; returns endpoints, tokens and Connect arguments.
    .PARAMETER Scenario
    A scenario file path or a hashtable in the scenario format (tests/AzureEmulator/README.md). Default: the prepared tenant.
    .PARAMETER FaultyStorage
    Put the emulator's fault-injecting proxy in front of Azurite: AzuriteBlobUrl and the storage endpoints ARM returns
    then go through it (faults are off until Set-CISynapseStorageFault); DirectAzuriteBlobUrl bypasses it.
    .PARAMETER ExtraClaims
    Claims added to every token of the stack (e.g. a canary string).
    #>
    [CmdletBinding()]
    param(
        [object] $Scenario,
        [switch] $FaultyStorage,
        [hashtable] $ExtraClaims = @{},
        [string] $CertificateFolder = $(if ($env:CISYNAPSE_TEST_CERT_DIR) { $env:CISYNAPSE_TEST_CERT_DIR } else { Join-Path $script:RepoRoot 'out' 'test-stack' 'certificate' }),
        [switch] $NoEmulator
    )

    $certificate = New-CISynapseTestCertificate -Folder $CertificateFolder
    if (-not $env:SSL_CERT_FILE) { $env:SSL_CERT_FILE = $certificate.BundlePath }
    $scenarioData = ConvertTo-ScenarioHashtable $Scenario
    $temp = Join-Path ([IO.Path]::GetTempPath()) ("cisynapse-stack-" + [guid]::NewGuid().ToString('n'))
    $null = New-Item -ItemType Directory -Path (Join-Path $temp 'azurite')
    $scenarioPath = Join-Path $temp 'scenario.json'
    $scenarioData | ConvertTo-Json -Depth 32 | Set-Content -Path $scenarioPath -Encoding utf8NoBOM

    if ($NoEmulator -and $FaultyStorage) { throw 'The storage proxy runs in the emulator: -FaultyStorage cannot be used with -NoEmulator.' }
    $stack = [pscustomobject]@{
        AzuriteBlobUrl     = $null
        DirectAzuriteBlobUrl = $null
        StorageProxyUrl    = $null
        AzuriteProcessId   = $null
        EmulatorProcessId  = $null
        EmulatorUrl        = $null
        ResourceManagerUrl = $null
        GraphUrl           = $null
        AdminUrl           = $null
        SqlEndpoint        = $null
        SqlPort            = $null
        Scenario           = $scenarioData
        Tokens             = @{}
        ConnectArguments   = @{}
        Certificate        = $certificate
        TempFolder         = $temp
    }

    try {
        $accounts = @('devstoreaccount1') + @($scenarioData['storageAccounts'] | Where-Object { $_ } | ForEach-Object { $_['name'] }) |
            Select-Object -Unique
        $azurite = Start-CISynapseAzurite -DataFolder (Join-Path $temp 'azurite') -Certificate $certificate -OAuth -Account $accounts -NoWait
        $stack.AzuriteProcessId = $azurite.Process.Id
        $stack.AzuriteBlobUrl = $azurite.BlobUrl
        $stack.DirectAzuriteBlobUrl = $stack.AzuriteBlobUrl

        $tenantId = $scenarioData['tenantId']
        $userId = $scenarioData['signedInUser']
        if ($NoEmulator) {
            Wait-CISynapseAzurite $azurite
            $stack.Tokens = @{ Storage = New-CISynapseTestToken -ObjectId $userId -TenantId $tenantId -Audience 'https://storage.azure.com' -ExtraClaims $ExtraClaims }
            return $stack
        }

        $dll = Get-EmulatorAssembly
        $emulatorLog = Join-Path $temp 'emulator.log'
        $emulatorArguments = @($dll, '--cert', $certificate.CertificatePath, '--key', $certificate.KeyPath,
            '--scenario', $scenarioPath, '--azurite-blob', $stack.AzuriteBlobUrl)
        if ($FaultyStorage) {
            # 0: the emulator binds a free port itself and names it in its log (a port chosen here could be taken before it binds).
            $emulatorArguments += @('--storage-proxy-port', '0')
        }
        $emulatorProcess = Start-Process -FilePath 'dotnet' -PassThru -NoNewWindow `
            -RedirectStandardOutput $emulatorLog -RedirectStandardError (Join-Path $temp 'emulator.err') `
            -ArgumentList $emulatorArguments
        $stack.EmulatorProcessId = $emulatorProcess.Id
        Register-TestProcess $emulatorProcess.Id
        # Both start at once; Azurite's port was chosen up front, so the emulator does not wait for it.
        Wait-CISynapseAzurite $azurite
        $line = Wait-ForLogLine -Path $emulatorLog -Pattern 'AzureEmulator listening on (https://\S+)(?: sql (\S+))?' -Process $emulatorProcess -Name 'The Azure emulator'
        $url = $line.Matches[0].Groups[1].Value.TrimEnd('/')
        # The serverless SQL (TDS) endpoint every workspace advertises as connectivityEndpoints.sqlOnDemand: '127.0.0.1,port'.
        if ($line.Matches[0].Groups[2].Success) {
            $stack.SqlEndpoint = $line.Matches[0].Groups[2].Value
            $stack.SqlPort = [int]($stack.SqlEndpoint -split ',')[1]
        }
        $stack.EmulatorUrl = $url
        $stack.ResourceManagerUrl = "$url/"
        $stack.GraphUrl = "$url/graph/"
        $stack.AdminUrl = "$url/_admin"
        if ($FaultyStorage) {
            $proxyLine = Wait-ForLogLine -Path $emulatorLog -Pattern 'StorageProxy listening on (https://127\.0\.0\.1:\d+)' -Process $emulatorProcess -Name 'The storage proxy'
            $stack.StorageProxyUrl = $proxyLine.Matches[0].Groups[1].Value
            $stack.AzuriteBlobUrl = "$($stack.StorageProxyUrl)/devstoreaccount1"
        }

        $stack.Tokens = @{
            ResourceManager = New-CISynapseTestToken -ObjectId $userId -TenantId $tenantId -Audience $url -ExtraClaims $ExtraClaims
            Storage         = New-CISynapseTestToken -ObjectId $userId -TenantId $tenantId -Audience 'https://storage.azure.com' -ExtraClaims $ExtraClaims
            Synapse         = New-CISynapseTestToken -ObjectId $userId -TenantId $tenantId -Audience 'https://dev.azuresynapse.net' -ExtraClaims $ExtraClaims
            Graph           = New-CISynapseTestToken -ObjectId $userId -TenantId $tenantId -Audience 'https://graph.microsoft.com' -ExtraClaims $ExtraClaims
            Sql             = New-CISynapseTestToken -ObjectId $userId -TenantId $tenantId -Audience 'https://database.windows.net' -ExtraClaims $ExtraClaims
        }
        $stack.ConnectArguments = @{
            AccessToken        = $stack.Tokens.ResourceManager
            StorageAccessToken = $stack.Tokens.Storage
            SynapseAccessToken = $stack.Tokens.Synapse
            GraphAccessToken   = $stack.Tokens.Graph
            SqlAccessToken     = $stack.Tokens.Sql
            ResourceManagerUrl = $stack.ResourceManagerUrl
            GraphUrl           = $stack.GraphUrl
        }
        $stack
    } catch {
        Stop-CISynapseTestStack -Stack $stack
        throw
    }
}

function Stop-CISynapseTestStack {
    <#
    .SYNOPSIS
    Stops Azurite and the emulator of a stack, waits for them to exit and deletes the stack's temporary data.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory, ValueFromPipeline)] [object] $Stack)
    process {
        foreach ($id in @($Stack.EmulatorProcessId, $Stack.AzuriteProcessId)) {
            if ($id) { Stop-TestProcess $id }
        }
        if ($Stack.TempFolder -and (Test-Path $Stack.TempFolder)) {
            Remove-Item -Recurse -Force -Path $Stack.TempFolder -ErrorAction SilentlyContinue
        }
    }
}

function Invoke-CISynapseEmulatorAdmin {
    <#
    .SYNOPSIS
    Calls the emulator's admin API (/_admin/...). Body objects are sent as JSON.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [object] $Stack,
        [ValidateSet('GET', 'PUT', 'POST', 'DELETE')] [string] $Method = 'GET',
        [Parameter(Mandatory)] [string] $Path,
        [object] $Body
    )
    $uri = "$($Stack.AdminUrl)/$($Path.TrimStart('/'))"
    $parameters = @{ Method = $Method; Uri = $uri; SkipCertificateCheck = $true }
    if ($PSBoundParameters.ContainsKey('Body')) {
        $parameters.Body = if ($Body -is [string]) { $Body } else { $Body | ConvertTo-Json -Depth 32 }
        $parameters.ContentType = 'application/json'
    }
    Invoke-RestMethod @parameters
}

function Set-CISynapseStorageFault {
    <#
    .SYNOPSIS
    Configures the fault-injecting storage proxy of a stack started with -FaultyStorage: a share of requests answered
    503/429 with Retry-After, a share of connections dropped before forwarding, a share dropped after Azurite answered.
    Seeded, so a run repeats. -LatencyMilliseconds delays each request; -BandwidthBytesPerSecond caps each request's
    and answer's body per connection (0: no cap). -Clear forwards everything again. Returns the proxy's settings,
    counts and pacedBytes (body bytes that went through the cap).
    #>
    [CmdletBinding(DefaultParameterSetName = 'Set')]
    param(
        [Parameter(Mandatory)] [object] $Stack,
        [Parameter(ParameterSetName = 'Set')] [ValidateRange(0.0, 1.0)] [double] $ErrorRate = 0,
        [Parameter(ParameterSetName = 'Set')] [ValidateSet(429, 500, 503)] [int[]] $Status = @(503, 429),
        [Parameter(ParameterSetName = 'Set')] [ValidateRange(0.0, 1.0)] [double] $DropRate = 0,
        [Parameter(ParameterSetName = 'Set')] [ValidateRange(0.0, 1.0)] [double] $ResponseDropRate = 0,
        [Parameter(ParameterSetName = 'Set')] [int] $RetryAfterSeconds = 1,
        [Parameter(ParameterSetName = 'Set')] [string] $Match,
        [Parameter(ParameterSetName = 'Set')] [ValidateRange(0, 60000)] [int] $LatencyMilliseconds = 0,
        [Parameter(ParameterSetName = 'Set')] [ValidateRange(0, [long]::MaxValue)] [long] $BandwidthBytesPerSecond = 0,
        [Parameter(ParameterSetName = 'Set')] [int] $Seed = 1,
        [Parameter(Mandatory, ParameterSetName = 'Clear')] [switch] $Clear
    )
    if ($Clear) {
        $null = Invoke-CISynapseEmulatorAdmin -Stack $Stack -Method DELETE -Path 'storageFaults'
        return Invoke-CISynapseEmulatorAdmin -Stack $Stack -Path 'storageFaults'
    }
    $body = @{ errorRate = $ErrorRate; statuses = $Status; dropRate = $DropRate; responseDropRate = $ResponseDropRate
        retryAfterSeconds = $RetryAfterSeconds; seed = $Seed; match = $Match; latencyMilliseconds = $LatencyMilliseconds
        bandwidthBytesPerSecond = $BandwidthBytesPerSecond }
    Invoke-CISynapseEmulatorAdmin -Stack $Stack -Method PUT -Path 'storageFaults' -Body $body
}

function Get-CISynapseStorageFault {
    <#
    .SYNOPSIS
    The storage proxy's settings and how many requests it forwarded, failed, dropped and dropped after answering.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [object] $Stack)
    Invoke-CISynapseEmulatorAdmin -Stack $Stack -Path 'storageFaults'
}

function Get-CISynapseEmulatorRequestCount {
    <#
    .SYNOPSIS
    Requests the emulator served: the total, or the count for one route name (e.g. 'GET roleAssignments').
    #>
    [CmdletBinding()]
    [OutputType([int])]
    param([Parameter(Mandatory)] [object] $Stack, [string] $Route)
    $log = Invoke-CISynapseEmulatorAdmin -Stack $Stack -Path 'requests'
    if (-not $Route) { return [int]$log.total }
    $count = $log.counts.PSObject.Properties[$Route]
    if ($count) { [int]$count.Value } else { 0 }
}

function Get-CISynapseEmulatorRequestLog {
    <#
    .SYNOPSIS
    Every request the emulator served (method, route, path, query, status, started, ended, fault).
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [object] $Stack)
    (Invoke-CISynapseEmulatorAdmin -Stack $Stack -Path 'requests').entries
}

function Reset-CISynapseEmulatorRequestLog {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [object] $Stack)
    $null = Invoke-CISynapseEmulatorAdmin -Stack $Stack -Method DELETE -Path 'requests'
}

function Set-CISynapseEmulatorScenario {
    <#
    .SYNOPSIS
    Replaces the running emulator's whole state with a scenario (path or hashtable); faster than a new stack.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)] [object] $Stack, [Parameter(Mandatory)] [object] $Scenario)
    $data = ConvertTo-ScenarioHashtable $Scenario
    if ($PSCmdlet.ShouldProcess($Stack.EmulatorUrl, 'Replace emulator state')) {
        $null = Invoke-CISynapseEmulatorAdmin -Stack $Stack -Method PUT -Path 'state' -Body $data
        $Stack.Scenario = $data
    }
}

function Set-CISynapseEmulatorFault {
    <#
    .SYNOPSIS
    Injects faults: Kind 429 (with Retry-After), 500, 503 or drop, at a rate, optionally only for matching routes, at most MaxCount times.
    Use -Clear to stop injecting.
    #>
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'Set')]
    param(
        [Parameter(Mandatory)] [object] $Stack,
        [Parameter(Mandatory, ParameterSetName = 'Set')] [ValidateSet('429', '500', '503', 'drop')] [string] $Kind,
        [Parameter(ParameterSetName = 'Set')] [ValidateRange(0.0, 1.0)] [double] $Rate = 1.0,
        [Parameter(ParameterSetName = 'Set')] [int] $RetryAfterSeconds = 1,
        [Parameter(ParameterSetName = 'Set')] [string] $Match,
        [Parameter(ParameterSetName = 'Set')] [ValidateRange(0, 60000)] [int] $LatencyMilliseconds = 0,
        [Parameter(ParameterSetName = 'Set')] [ValidateRange(0, [long]::MaxValue)] [long] $BandwidthBytesPerSecond = 0,
        [Parameter(ParameterSetName = 'Set')] [int] $MaxCount,
        [Parameter(Mandatory, ParameterSetName = 'Clear')] [switch] $Clear
    )
    if (-not $PSCmdlet.ShouldProcess($Stack.EmulatorUrl, 'Configure fault injection')) { return }
    if ($Clear) { $null = Invoke-CISynapseEmulatorAdmin -Stack $Stack -Method DELETE -Path 'faults'; return }
    $body = @{ kind = $Kind; rate = $Rate; retryAfterSeconds = $RetryAfterSeconds; match = $Match }
    if ($PSBoundParameters.ContainsKey('MaxCount')) { $body.maxCount = $MaxCount }
    $null = Invoke-CISynapseEmulatorAdmin -Stack $Stack -Method PUT -Path 'faults' -Body $body
}

function Set-CISynapseEmulatorLatency {
    <#
    .SYNOPSIS
    Adds a fixed delay to every (non-admin) request the emulator serves, or only to those whose route name or path
    contains -Match.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)] [object] $Stack, [Parameter(Mandatory)] [int] $Milliseconds, [string] $Match)
    if ($PSCmdlet.ShouldProcess($Stack.EmulatorUrl, "Add $Milliseconds ms latency")) {
        $null = Invoke-CISynapseEmulatorAdmin -Stack $Stack -Method PUT -Path 'latency' -Body @{ milliseconds = $Milliseconds; match = $Match }
    }
}

function Get-CISynapseEmulatorSqlCatalog {
    <#
    .SYNOPSIS
    The emulator's serverless SQL catalog: databases with collation, master key, credentials, data sources and views (columns, bulk path).
    Give -Database for one database.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [object] $Stack, [string] $Database)
    $databases = (Invoke-CISynapseEmulatorAdmin -Stack $Stack -Path 'sql/catalog').databases
    if ($Database) { $databases | Where-Object name -EQ $Database } else { $databases }
}

function Get-CISynapseEmulatorSqlBatch {
    <#
    .SYNOPSIS
    Every SQL batch the emulator's TDS endpoint received (sequence, database, login, text with secrets masked, outcome, errorNumber), optionally for one database.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [object] $Stack, [string] $Database)
    $path = if ($Database) { "sql/batches?database=$([uri]::EscapeDataString($Database))" } else { 'sql/batches' }
    (Invoke-CISynapseEmulatorAdmin -Stack $Stack -Path $path).batches
}

function Set-CISynapseEmulatorSqlFault {
    <#
    .SYNOPSIS
    Makes the SQL endpoint fail the next Count batches (optionally only those containing -Match) or logins:
    transient (error 40613 unless -Number), error (a permanent error, -Number and -Message) or drop (connection closed).
    Use -Clear to stop.
    #>
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'Set')]
    param(
        [Parameter(Mandatory)] [object] $Stack,
        [Parameter(Mandatory, ParameterSetName = 'Set')] [ValidateSet('transient', 'error', 'drop')] [string] $Kind,
        [Parameter(ParameterSetName = 'Set')] [ValidateSet('batch', 'login')] [string] $On = 'batch',
        [Parameter(ParameterSetName = 'Set')] [ValidateRange(1, 1000)] [int] $Count = 1,
        [Parameter(ParameterSetName = 'Set')] [string] $Match,
        [Parameter(ParameterSetName = 'Set')] [int] $Number,
        [Parameter(ParameterSetName = 'Set')] [string] $Message,
        [Parameter(Mandatory, ParameterSetName = 'Clear')] [switch] $Clear
    )
    if (-not $PSCmdlet.ShouldProcess($Stack.SqlEndpoint, 'Configure SQL fault injection')) { return }
    if ($Clear) { $null = Invoke-CISynapseEmulatorAdmin -Stack $Stack -Method DELETE -Path 'sql/faults'; return }
    $body = @{ kind = $Kind; on = $On; count = $Count }
    if ($Match) { $body.match = $Match }
    if ($PSBoundParameters.ContainsKey('Number')) { $body.number = $Number }
    if ($Message) { $body.message = $Message }
    $null = Invoke-CISynapseEmulatorAdmin -Stack $Stack -Method PUT -Path 'sql/faults' -Body $body
}

function Set-CISynapseEmulatorSqlLatency {
    <#
    .SYNOPSIS
    Delays every SQL batch the emulator answers, or only those whose text contains -Match (an ATTENTION from the
    client cancels the wait).
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)] [object] $Stack, [Parameter(Mandatory)] [ValidateRange(0, 600000)] [int] $Milliseconds, [string] $Match)
    if ($PSCmdlet.ShouldProcess($Stack.SqlEndpoint, "Add $Milliseconds ms latency per batch")) {
        $body = @{ milliseconds = $Milliseconds }
        if ($Match) { $body.match = $Match }
        $null = Invoke-CISynapseEmulatorAdmin -Stack $Stack -Method PUT -Path 'sql/latency' -Body $body
    }
}

function Get-CISynapseEmulatorSqlBatchWaiting {
    <#
    .SYNOPSIS
    How many SQL batches the emulator has received and is holding for its latency right now.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [object] $Stack)
    (Invoke-CISynapseEmulatorAdmin -Stack $Stack -Path 'sql').batchesWaiting
}

function Reset-CISynapseEmulatorSql {
    <#
    .SYNOPSIS
    Empties the SQL endpoint: only master remains, no batches recorded, no faults or latency.
    #>
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Mandatory)] [object] $Stack)
    if ($PSCmdlet.ShouldProcess($Stack.SqlEndpoint, 'Reset the SQL catalog')) {
        $null = Invoke-CISynapseEmulatorAdmin -Stack $Stack -Method DELETE -Path 'sql'
    }
}

function Invoke-CISynapseEmulatorQuery {
    <#
    .SYNOPSIS
    Runs a query on the emulator's serverless SQL endpoint through SqlClient over TDS (token sign-in) and returns
    its rows as objects (one property per column; NULL as $null). SqlClient is the module's own copy, so import
    CustomerInsightsSynapse first.
    .PARAMETER AccessToken
    The SQL token to sign in with; default: the stack's signed-in user.
    #>
    [CmdletBinding()]
    [OutputType([pscustomobject])]
    param(
        [Parameter(Mandatory)] [object] $Stack,
        [Parameter(Mandatory)] [string] $Database,
        [Parameter(Mandatory)] [string] $Query,
        [string] $AccessToken = $Stack.Tokens.Sql,
        [ValidateRange(1, 3600)] [int] $TimeoutSeconds = 120
    )
    if (-not $Stack.SqlEndpoint) { throw 'The stack has no SQL endpoint.' }
    $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'CustomerInsightsSynapse' | Select-Object -First 1
    if (-not $context) { throw 'Import the CustomerInsightsSynapse module first: Invoke-CISynapseEmulatorQuery uses its SqlClient.' }
    $sqlClient = $context.LoadFromAssemblyName([System.Reflection.AssemblyName]::new('Microsoft.Data.SqlClient'))
    $builder = [System.Data.Common.DbConnectionStringBuilder]::new()
    $builder['Server'] = "tcp:$($Stack.SqlEndpoint)"
    $builder['Database'] = $Database
    $builder['Encrypt'] = 'Mandatory'
    $builder['Pooling'] = 'false'
    $connection = [Activator]::CreateInstance($sqlClient.GetType('Microsoft.Data.SqlClient.SqlConnection'), @([string]$builder.ConnectionString))
    $connection.AccessToken = $AccessToken
    try {
        $connection.Open()
        $command = $connection.CreateCommand()
        $command.CommandText = $Query
        $command.CommandTimeout = $TimeoutSeconds
        $reader = $command.ExecuteReader()
        try {
            while ($reader.Read()) {
                $row = [ordered]@{}
                for ($i = 0; $i -lt $reader.FieldCount; $i++) {
                    $row[$reader.GetName($i)] = if ($reader.IsDBNull($i)) { $null } else { $reader.GetValue($i) }
                }
                [pscustomobject]$row
            }
        }
        finally { $reader.Dispose() }
    }
    finally { $connection.Dispose() }
}

Export-ModuleMember -Function Invoke-CISynapseEmulatorQuery, New-CISynapseTestCertificate, Start-CISynapseAzurite, Wait-CISynapseAzurite, Stop-CISynapseAzurite,
    Initialize-CISynapseTestRun, Stop-CISynapseTestRunProcess, Start-CISynapseTestStack, Stop-CISynapseTestStack, New-CISynapseTestToken,
    Invoke-CISynapseEmulatorAdmin, Get-CISynapseEmulatorRequestCount, Get-CISynapseEmulatorRequestLog, Reset-CISynapseEmulatorRequestLog,
    Set-CISynapseEmulatorScenario, Set-CISynapseEmulatorFault, Set-CISynapseEmulatorLatency,
    Get-CISynapseEmulatorSqlCatalog, Get-CISynapseEmulatorSqlBatch, Get-CISynapseEmulatorSqlBatchWaiting, Set-CISynapseEmulatorSqlFault, Set-CISynapseEmulatorSqlLatency, Reset-CISynapseEmulatorSql,
    Set-CISynapseStorageFault, Get-CISynapseStorageFault
