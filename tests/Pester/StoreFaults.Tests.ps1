# The definition store on a Blob container behind the emulator's fault-injecting proxy (issue 12, faults):
# it survives throttling, busy answers and dropped connections with nothing lost, and gives up quickly, naming
# the endpoint, when storage does not answer at all.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared -FaultyStorage
    $connectArgs = $Stack.ConnectArguments
    $null = Connect-CISynapseAccount @connectArgs
    $script:Headers = @{ Authorization = "Bearer $($Stack.Tokens.Storage)"; 'x-ms-version' = '2021-08-06' }
    $script:Target = @{
        SubscriptionId = $Prepared.subscriptions[0].subscriptionId; ResourceGroupName = $Prepared.synapseWorkspaces[0].resourceGroup
        WorkspaceName = $Prepared.synapseWorkspaces[0].name; StorageAccountName = $Prepared.storageAccounts[0].name
        Container = $Prepared.storageAccounts[0].containers[0].name; SkipValidation = $true
    }

    # A container made directly on Azurite (not through the proxy), so the set-up itself is never faulted.
    function New-StoreContainer {
        $name = 'faults-' + [guid]::NewGuid().ToString('N').Substring(0, 10)
        $null = Invoke-WebRequest -Method Put -Uri "$($Stack.DirectAzuriteBlobUrl)/$($name)?restype=container" -Headers $Headers
        $name
    }

    # Every connection document in a container, read directly from Azurite: name -> display name.
    function Get-StoredConnection([string] $Container) {
        $listing = [xml](Invoke-WebRequest -Uri "$($Stack.DirectAzuriteBlobUrl)/$($Container)?restype=container&comp=list&prefix=connections/" -Headers $Headers).Content
        $result = @{}
        foreach ($blob in @($listing.EnumerationResults.Blobs.Blob)) {
            if (-not $blob) { continue }
            $document = Invoke-RestMethod -Uri "$($Stack.DirectAzuriteBlobUrl)/$Container/$($blob.Name)" -Headers $Headers
            $result[$document.name] = [pscustomobject]@{ DisplayName = $document.content.displayName; Revision = $document.revision }
        }
        $result
    }
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'The store on a Blob container behind a faulty network' {
    AfterEach { $null = Set-CISynapseStorageFault -Stack $Stack -Clear }

    It 'forwards requests unchanged while no fault is set' {
        $container = New-StoreContainer
        Set-CISynapseStore -Location "$($Stack.AzuriteBlobUrl)/$container"

        $null = New-CISynapseConnection -Name 'Plain' @Target

        (Get-StoredConnection $container)['Plain'].DisplayName | Should -Be 'Plain'
        $counts = (Get-CISynapseStorageFault -Stack $Stack).counts
        $counts.forwarded | Should -BeGreaterThan 0
        ($counts.error + $counts.dropped + $counts.responseDropped) | Should -Be 0
    }

    It 'loses nothing over 50 creates and updates with 10% 503/429 and 2% dropped connections' {
        $container = New-StoreContainer
        Set-CISynapseStore -Location "$($Stack.AzuriteBlobUrl)/$container"
        $null = New-CISynapseConnection -Name 'Seed' @Target
        $null = Set-CISynapseStorageFault -Stack $Stack -ErrorRate 0.10 -DropRate 0.01 -ResponseDropRate 0.01 -RetryAfterSeconds 1 -Seed 12

        foreach ($i in 1..25) {
            $null = New-CISynapseConnection -Name "Lake$i" @Target -ErrorAction Stop
        }
        foreach ($i in 1..25) {
            Set-CISynapseConnection -Name "Lake$i" -DisplayName "Lake $i, updated" -SkipValidation -ErrorAction Stop
        }

        $counts = (Get-CISynapseStorageFault -Stack $Stack).counts
        $null = Set-CISynapseStorageFault -Stack $Stack -Clear
        $stored = Get-StoredConnection $container
        $stored.Count | Should -Be 26
        foreach ($i in 1..25) {
            $stored["Lake$i"].DisplayName | Should -Be "Lake $i, updated"
            $stored["Lake$i"].Revision | Should -Be 2
        }
        # The run really was faulty: every kind of fault happened.
        $counts.error | Should -BeGreaterThan 5
        $counts.dropped | Should -BeGreaterThan 0
        $counts.responseDropped | Should -BeGreaterThan 0
    }

    It 'fails within a bounded time, naming the endpoint, when every request gets <Kind>, and changes nothing' -ForEach @(
        @{ Kind = '503/429'; Fault = @{ ErrorRate = 1.0 } }
        @{ Kind = 'a dropped connection'; Fault = @{ DropRate = 1.0 } }
    ) {
        $container = New-StoreContainer
        Set-CISynapseStore -Location "$($Stack.AzuriteBlobUrl)/$container"
        $null = New-CISynapseConnection -Name 'Before' @Target
        $before = Get-StoredConnection $container
        $null = Set-CISynapseStorageFault -Stack $Stack @Fault -RetryAfterSeconds 1

        $clock = [Diagnostics.Stopwatch]::StartNew()
        $failure = $null
        try { $null = New-CISynapseConnection -Name 'During' @Target -ErrorAction Stop } catch { $failure = $_ }
        $clock.Stop()

        $failure | Should -Not -BeNullOrEmpty
        $failure.FullyQualifiedErrorId | Should -BeLike 'StoreUnavailable,*'
        $failure.CategoryInfo.Category | Should -Be 'ConnectionError'
        $failure.Exception.Message | Should -BeLike "*$($Stack.StorageProxyUrl)*"
        # Bounded by the Blob client's retry policy (6 retries, exponential from 0.4 s): well under a minute.
        $clock.Elapsed.TotalSeconds | Should -BeLessThan 60
        Write-Host "  gave up after $([int]$clock.Elapsed.TotalSeconds) s"
        $null = Set-CISynapseStorageFault -Stack $Stack -Clear
        $after = Get-StoredConnection $container
        $after.Keys | Should -Be @($before.Keys)
        $after['Before'].Revision | Should -Be $before['Before'].Revision
    }
}
