# Issue 12, run level: storage faults, killed runs, concurrent runs. The module reaches Azurite only through the
# emulator's fault-injecting storage proxy (-FaultyStorage); the tests read the lake directly (DirectAzuriteBlobUrl).
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'RunReliability.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared -FaultyStorage
    # The same stack, read around the proxy: what the tests see is never a fault.
    $script:Direct = $Stack.PSObject.Copy()
    $Direct.AzuriteBlobUrl = $Stack.DirectAzuriteBlobUrl
    $script:Sub = $Prepared.subscriptions[0].subscriptionId
    $script:Rg = $Prepared.synapseWorkspaces[0].resourceGroup
    $script:Workspace = $Prepared.synapseWorkspaces[0].name
    $script:Account = $Prepared.storageAccounts[0].name
    $script:Container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Direct -Account $Account -Container $Container
    $script:StorePath = Join-Path $TestDrive 'store'
    Set-CISynapseStore -Location $StorePath
    $connect = $Stack.ConnectArguments
    Connect-CISynapseAccount @connect | Out-Null
    $script:ConnectPath = Join-Path $TestDrive 'connect.json'
    $Stack.ConnectArguments | ConvertTo-Json | Set-Content -LiteralPath $ConnectPath
    $null = New-CISynapseConnection -Name 'lake' -DisplayName 'Synapse' -SubscriptionId $Sub -ResourceGroupName $Rg -WorkspaceName $Workspace -StorageAccountName $Account -Container $Container

    function New-Export([string] $Id, [int] $EntityCount = 4, [int] $Partitions = 2, [int] $Seed = 1, [string] $Database = "db_$Id") {
        $source = New-CISynapseTestCdmFolder -Path (Join-Path $TestDrive "ci-$Id") -EntityCount $EntityCount -RowsPerEntity 6 -PartitionsPerEntity $Partitions -Seed $Seed
        $null = New-CISynapseExport -Name "export-$Id" -Connection 'lake' -Source $source.FullName -DatabaseName $Database -Entity '*'
        [pscustomobject]@{ Name = "export-$Id"; Source = $source.FullName; Database = $Database }
    }

    function Get-LakeBlob([string] $Prefix) { @(Get-CISynapseTestBlob -Stack $Direct -Account $Account -Container $Container -Prefix $Prefix) }
    function Get-LakeBytes([string] $Name) { Get-CISynapseTestBlobContent -Stack $Direct -Account $Account -Container $Container -Name $Name }
    function Get-LakeModel([string] $Database) { [Text.Encoding]::UTF8.GetString((Get-LakeBytes "$Database/model.json")) | ConvertFrom-Json }
    function Get-SnapshotOf($Model, [string] $Entity) {
        (($Model.entities | Where-Object name -EQ $Entity).annotations | Where-Object name -EQ 'cisynapse:snapshotId').value
    }
    function Get-LeaseState([string] $Name) {
        $uri = "$(Get-CISynapseTestBlobEndpoint $Direct $Account)/$Container/$(($Name.Split('/') | ForEach-Object { [uri]::EscapeDataString($_) }) -join '/')"
        $response = Invoke-CISynapseTestBlobRequest -Stack $Direct -Uri $uri -Method Head -Raw
        if ($response.StatusCode -eq 404) { return 'missing' }
        "$($response.Headers['x-ms-lease-state'])"
    }

    function Assert-LakeMatchesSource([string] $Source, [string] $Database) {
        # Every entity of model.json reads a snapshot folder holding exactly the source's CSV files, byte for byte.
        $model = Get-LakeModel $Database
        foreach ($folder in Get-ChildItem -Directory -LiteralPath $Source) {
            $snapshot = Get-SnapshotOf $model $folder.Name
            $snapshot | Should -Not -BeNullOrEmpty -Because "model.json names $($folder.Name)"
            $files = @(Get-ChildItem -LiteralPath $folder.FullName -Filter *.csv)
            $landed = Get-LakeBlob "$Database/$($folder.Name)/$snapshot/"
            @($landed.Name | Sort-Object) | Should -Be @($files | ForEach-Object { "$Database/$($folder.Name)/$snapshot/$($_.Name)" } | Sort-Object)
            foreach ($file in $files) {
                [Convert]::ToBase64String((Get-LakeBytes "$Database/$($folder.Name)/$snapshot/$($file.Name)")) |
                    Should -Be ([Convert]::ToBase64String([IO.File]::ReadAllBytes($file.FullName))) -Because "$($folder.Name)/$($file.Name) is landed unchanged"
            }
        }
    }

    function Get-ViewBulk([string] $Database) {
        $views = @{}
        foreach ($view in @((Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database $Database).views)) { $views[$view.name] = $view.bulk }
        $views
    }
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'Flaky storage' {
    AfterEach { $null = Set-CISynapseStorageFault -Stack $Stack -Clear }

    It 'reaches storage only through the proxy: ARM returns the proxy as the account''s endpoints' {
        $arm = Invoke-RestMethod -Uri "$($Stack.ResourceManagerUrl.TrimEnd('/'))/subscriptions/$Sub/resourceGroups/$Rg/providers/Microsoft.Storage/storageAccounts/$($Account)?api-version=2023-01-01" -Headers @{ Authorization = "Bearer $($Stack.Tokens.ResourceManager)" }
        $arm.properties.primaryEndpoints.blob | Should -BeLike "$($Stack.StorageProxyUrl)/*"
        $arm.properties.primaryEndpoints.dfs | Should -BeLike "$($Stack.StorageProxyUrl)/*"
        $Stack.DirectAzuriteBlobUrl | Should -Not -BeLike "$($Stack.StorageProxyUrl)*"
    }

    It 'lands 50 entities byte for byte through 10% 503/429 answers (Retry-After) and 2% dropped connections' {
        $e = New-Export -Id 'flaky50' -EntityCount 50 -Partitions 1
        $null = Set-CISynapseStorageFault -Stack $Stack -ErrorRate 0.1 -Status 503, 429 -RetryAfterSeconds 1 -DropRate 0.02 -Seed 12

        $run = Invoke-CISynapseExport -Name $e.Name -SkipPrerequisiteCheck -Confirm:$false -WarningAction SilentlyContinue

        $faults = Get-CISynapseStorageFault -Stack $Stack
        $faults.counts.error | Should -BeGreaterThan 0 -Because 'the proxy answered some requests with 503/429'
        $faults.counts.dropped | Should -BeGreaterThan 0 -Because 'the proxy dropped some connections'
        $run.Status | Should -Be 'Succeeded'
        $run.EntitiesLanded | Should -Be 50
        $run.SqlApplied | Should -BeTrue
        @((Get-LakeModel $e.Database).entities).Count | Should -Be 50
        Assert-LakeMatchesSource -Source $e.Source -Database $e.Database
        $views = Get-ViewBulk $e.Database
        $views.Count | Should -Be 50
        $model = Get-LakeModel $e.Database
        foreach ($name in $views.Keys) { $views[$name] | Should -Be "$name/$(Get-SnapshotOf $model $name)/**" }
    }

    It 'fails within a bounded time naming the endpoint when every storage request fails, and keeps the previous snapshots' {
        $e = New-Export -Id 'down' -EntityCount 3
        $first = Invoke-CISynapseExport -Name $e.Name -SkipPrerequisiteCheck -Confirm:$false -WarningAction SilentlyContinue
        $first.Status | Should -Be 'Succeeded'
        $modelBefore = [Convert]::ToBase64String((Get-LakeBytes "$($e.Database)/model.json"))
        $blobsBefore = Get-LakeBlob "$($e.Database)/" | Where-Object Name -NotMatch '/_(runs|sql|lock)' | ForEach-Object { "$($_.Name) $($_.ETag)" }
        $viewsBefore = Get-ViewBulk $e.Database
        $null = New-CISynapseTestCdmFolder -Path $e.Source -EntityCount 3 -RowsPerEntity 9 -PartitionsPerEntity 2 -Seed 2
        $null = Set-CISynapseStorageFault -Stack $Stack -ErrorRate 1.0 -Status 503 -RetryAfterSeconds 1 -Seed 3

        $watch = [Diagnostics.Stopwatch]::StartNew()
        $err = $null
        # A failed run stops the command (ExportRunFailed, the run record as its target); a partial one only writes an error.
        try { $run = Invoke-CISynapseExport -Name $e.Name -SkipPrerequisiteCheck -Confirm:$false -WarningAction SilentlyContinue -ErrorVariable err -ErrorAction SilentlyContinue }
        catch { $err = @($_); $run = $_.TargetObject }
        $watch.Stop()

        $failed = @($err) + @($run | Where-Object { $_ -and $_.Status -ne 'Succeeded' })
        $failed.Count | Should -BeGreaterThan 0 -Because 'nothing can be written'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 180 -Because 'retries are bounded'
        $proxyAuthority = ([uri]$Stack.StorageProxyUrl).Authority
        ((@($err | ForEach-Object { $_.Exception.Message }) + @($run.Entities.Message) + @($run.Message)) -join "`n") | Should -Match ([regex]::Escape($proxyAuthority)) -Because 'the error names the storage endpoint'
        $null = Set-CISynapseStorageFault -Stack $Stack -Clear
        [Convert]::ToBase64String((Get-LakeBytes "$($e.Database)/model.json")) | Should -Be $modelBefore
        $blobsAfter = Get-LakeBlob "$($e.Database)/" | ForEach-Object { "$($_.Name) $($_.ETag)" }
        foreach ($blob in $blobsBefore) { $blob | Should -BeIn $blobsAfter -Because 'the previous snapshots are intact' }
        (Get-ViewBulk $e.Database).GetEnumerator() | ForEach-Object { $_.Value | Should -Be $viewsBefore[$_.Key] }
    }
}

Describe 'A database name that is hostile only when unquoted' {
    It 'runs an export into the database ''db--x'': the comment marker stays inside the bracket-quoted name' {
        $e = New-Export -Id 'dashes' -EntityCount 2 -Database 'db--x'
        $run = Invoke-CISynapseExport -Name $e.Name -SkipPrerequisiteCheck -Confirm:$false -WarningAction SilentlyContinue
        $run.Status | Should -Be 'Succeeded'
        Assert-LakeMatchesSource -Source $e.Source -Database 'db--x'
        $catalog = Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database 'db--x'
        $catalog.name | Should -Be 'db--x'
        @($catalog.views).Count | Should -Be 2
        [Text.Encoding]::UTF8.GetString((Get-LakeBytes $run.SqlScriptPath)) | Should -Match ([regex]::Escape('CREATE DATABASE [db--x]'))
    }
}

Describe 'Concurrent runs' {
    It 'runs one of ten processes starting the same export; the other nine fail fast with ExportRunInProgress' {
        $e = New-Export -Id 'same10' -EntityCount 4
        # A little latency on every storage request keeps the winner's lock held while the others try.
        $null = Set-CISynapseStorageFault -Stack $Stack -LatencyMilliseconds 150
        $go = Join-Path $TestDrive 'go-same'
        $workers = foreach ($i in 1..10) { Start-CISynapseRunWorker -Store $StorePath -ConnectPath $ConnectPath -ExportName $e.Name -ResultPath (Join-Path $TestDrive "same-$i.json") -Go $go -Tag "$i" }
        try {
            # A hang guard, not a timing: ten pwsh processes can take minutes to start on a loaded machine.
            $readyBy = [DateTime]::UtcNow.AddMinutes(10)
            while (@(Get-ChildItem -Path "$go.ready-*").Count -lt 10 -and [DateTime]::UtcNow -lt $readyBy -and -not @($workers | Where-Object { $_.Process.HasExited })) { Start-Sleep -Milliseconds 100 }
            @(Get-ChildItem -Path "$go.ready-*").Count | Should -Be 10 -Because 'every worker is ready before the start signal'
            $null = New-Item -ItemType File -Path $go
            $results = foreach ($worker in $workers) { Wait-CISynapseRunWorker -Worker $worker }
        }
        finally {
            foreach ($worker in $workers) { if (-not $worker.Process.HasExited) { $worker.Process.Kill($true) } }
            $null = Set-CISynapseStorageFault -Stack $Stack -Clear
        }
        @($results | Where-Object status -EQ 'Succeeded').Count | Should -Be 1
        $losers = @($results | Where-Object status -NE 'Succeeded')
        $losers.Count | Should -Be 9
        $losers.errorId | Sort-Object -Unique | Should -Be 'ExportRunInProgress'
        $winner = $results | Where-Object status -EQ 'Succeeded'
        foreach ($loser in $losers) { $loser.elapsedMs | Should -BeLessThan 60000 -Because 'a refused run does not wait for the lock' }
        $winner.landed | Should -Be 4
        Assert-LakeMatchesSource -Source $e.Source -Database $e.Database
        @(Get-CISynapseExportRun -ExportName $e.Name | Where-Object Status -EQ 'Succeeded').Count | Should -Be 1
    }

    It 'runs ten exports of one connection into ten databases at once without interfering' {
        $exports = foreach ($i in 1..10) { New-Export -Id "many$i" -EntityCount 3 -Seed $i }
        $go = Join-Path $TestDrive 'go-many'
        $workers = foreach ($i in 0..9) { Start-CISynapseRunWorker -Store $StorePath -ConnectPath $ConnectPath -ExportName $exports[$i].Name -ResultPath (Join-Path $TestDrive "many-$i.json") -Go $go -Tag "$i" }
        try {
            # A hang guard, not a timing: ten pwsh processes can take minutes to start on a loaded machine.
            $readyBy = [DateTime]::UtcNow.AddMinutes(10)
            while (@(Get-ChildItem -Path "$go.ready-*").Count -lt 10 -and [DateTime]::UtcNow -lt $readyBy -and -not @($workers | Where-Object { $_.Process.HasExited })) { Start-Sleep -Milliseconds 100 }
            @(Get-ChildItem -Path "$go.ready-*").Count | Should -Be 10 -Because 'every worker is ready before the start signal'
            $null = New-Item -ItemType File -Path $go
            $results = foreach ($worker in $workers) { Wait-CISynapseRunWorker -Worker $worker }
        }
        finally {
            foreach ($worker in $workers) { if (-not $worker.Process.HasExited) { $worker.Process.Kill($true) } }
        }
        foreach ($i in 0..9) {
            $results[$i].status | Should -Be 'Succeeded' -Because "$($exports[$i].Name): $($results[$i].message)"
            Assert-LakeMatchesSource -Source $exports[$i].Source -Database $exports[$i].Database
            $views = Get-ViewBulk $exports[$i].Database
            $views.Count | Should -Be 3
            $catalog = Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database $exports[$i].Database
            foreach ($view in @($catalog.views)) {
                ($catalog.dataSources | Where-Object name -EQ $view.dataSource).location | Should -BeLike "*/$($exports[$i].Database)" -Because 'each view reads through its own database folder'
            }
        }
    }
}

Describe 'Killed runs' {
    It 'leaves views and model.json on complete snapshots, frees the lock within its 15 s lease and lets the next run succeed, after kills at 10 points' {
        # Each kill point has its own export and database, so the ten kills share one wait for the leases.
        $points = @(
            @{ Name = 'lock taken'; When = { param($o) $o.Leased } }
            @{ Name = 'first file copied'; When = { param($o) $o.NewFiles -ge 1 } }
            @{ Name = 'a quarter copied'; When = { param($o) $o.NewFiles -ge 4 } }
            @{ Name = 'half copied'; When = { param($o) $o.NewFiles -ge 8 } }
            @{ Name = 'three quarters copied'; When = { param($o) $o.NewFiles -ge 12 } }
            @{ Name = 'every file copied, before the commit'; When = { param($o) $o.NewFiles -ge 16 } }
            @{ Name = 'model.json committed, before the SQL'; When = { param($o) $o.ModelChanged } }
            @{ Name = 'first T-SQL batch in flight'; When = { param($o) $o.Batches -ge 1 } }
            @{ Name = 'during the views'; When = { param($o) $o.Batches -ge 3 } }
            @{ Name = 'views moved, during clean-up'; When = { param($o) $o.ViewsMoved } }
        )
        $cases = foreach ($i in 0..($points.Count - 1)) {
            $e = New-Export -Id "kill$i" -EntityCount 8 -Partitions 2
            (Invoke-CISynapseExport -Name $e.Name -SkipPrerequisiteCheck -Confirm:$false -WarningAction SilentlyContinue).Status | Should -Be 'Succeeded'
            $old = Join-Path $TestDrive "old-kill$i"
            Copy-Item -Recurse -LiteralPath $e.Source -Destination $old
            $null = New-CISynapseTestCdmFolder -Path $e.Source -EntityCount 8 -RowsPerEntity 7 -PartitionsPerEntity 2 -Seed 5
            [pscustomobject]@{ Point = $points[$i]; Export = $e; Old = $old; KilledAt = $null; Reached = $false; LeasedAfterKill = $false }
        }

        $null = Set-CISynapseStorageFault -Stack $Stack -LatencyMilliseconds 250
        Set-CISynapseEmulatorSqlLatency -Stack $Stack -Milliseconds 600 -Confirm:$false
        try {
            foreach ($case in $cases) {
                $db = $case.Export.Database
                $modelTag = (Get-LakeBlob "$db/model.json").ETag
                $before = @(Get-LakeBlob "$db/" | ForEach-Object Name)
                # The run's deployment batches; the claim step's owner-marker batches come before the lock and do not count.
                $deployment = { @(Get-CISynapseEmulatorSqlBatch -Stack $Stack -Database $db | Where-Object { $_.text -notmatch '\[cisynapse\]' }).Count }
                $batchesBefore = & $deployment
                $viewsBefore = Get-ViewBulk $db
                $worker = Start-CISynapseRunWorker -Store $StorePath -ConnectPath $ConnectPath -ExportName $case.Export.Name -ResultPath (Join-Path $TestDrive "$db.json") -Tag $db
                $deadline = [DateTime]::UtcNow.AddSeconds(90)
                while (-not $worker.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
                    $blobs = @(Get-LakeBlob "$db/")
                    $views = Get-ViewBulk $db
                    $observed = [pscustomobject]@{
                        Leased       = (Get-LeaseState "$db/_lock") -eq 'leased'
                        NewFiles     = @($blobs | Where-Object { $_.Name -notin $before -and $_.Name -match '\.csv$' }).Count
                        ModelChanged = ($blobs | Where-Object Name -EQ "$db/model.json").ETag -ne $modelTag
                        Batches      = (& $deployment) - $batchesBefore
                        ViewsMoved   = $views.Count -eq 8 -and @($views.Keys | Where-Object { $views[$_] -ne $viewsBefore[$_] }).Count -eq 8
                    }
                    if (& $case.Point.When $observed) {
                        $worker.Process.Kill($true)
                        $case.KilledAt = [DateTime]::UtcNow
                        $case.Reached = $true
                        break
                    }
                    Start-Sleep -Milliseconds 30
                }
                if (-not $worker.Process.HasExited) { $worker.Process.Kill($true); $case.KilledAt = [DateTime]::UtcNow }
                $null = $worker.Process.WaitForExit(10000)
                $case.LeasedAfterKill = (Get-LeaseState "$db/_lock") -eq 'leased'
                $case.Reached | Should -BeTrue -Because "the run was killed at '$($case.Point.Name)' (worker: $($worker.Errors.Result))"
            }
        }
        finally {
            $null = Set-CISynapseStorageFault -Stack $Stack -Clear
            Set-CISynapseEmulatorSqlLatency -Stack $Stack -Milliseconds 0 -Confirm:$false
        }

        # A killed process releases nothing: its lock is still leased after the kill, and only the lease's expiry frees it.
        @($cases | Where-Object LeasedAfterKill).Count | Should -BeGreaterOrEqual 9 -Because (($cases | ForEach-Object { "$($_.Point.Name): $($_.LeasedAfterKill)" }) -join '; ')
        foreach ($case in $cases) {
            $db = $case.Export.Database
            # No lease outlives its duration (15 s) after the process that held it died (with a margin for a busy machine).
            while ((Get-LeaseState "$db/_lock") -eq 'leased' -and [DateTime]::UtcNow -lt $case.KilledAt.AddSeconds(30)) { Start-Sleep -Milliseconds 500 }
            Get-LeaseState "$db/_lock" | Should -Not -Be 'leased' -Because "the lock of '$($case.Point.Name)' expires with its lease"

            # model.json and every view name a snapshot folder holding exactly one version of the source, byte for byte.
            $model = Get-LakeModel $db
            $views = Get-ViewBulk $db
            $views.Count | Should -Be 8
            foreach ($entity in 1..8 | ForEach-Object { 'Entity{0:D3}' -f $_ }) {
                $snapshots = @((Get-SnapshotOf $model $entity), ($views[$entity] -replace "^$entity/([^/]+)/\*\*$", '$1')) | Sort-Object -Unique
                foreach ($snapshot in $snapshots) {
                    $landed = @(Get-LakeBlob "$db/$entity/$snapshot/" | Sort-Object Name)
                    $landed.Count | Should -Be 2 -Because "'$($case.Point.Name)': $entity/$snapshot is complete"
                    $matches = foreach ($version in $case.Old, $case.Export.Source) {
                        $same = $true
                        foreach ($blob in $landed) {
                            $file = Join-Path $version $entity ($blob.Name.Split('/')[-1])
                            if (-not (Test-Path $file) -or [Convert]::ToBase64String((Get-LakeBytes $blob.Name)) -ne [Convert]::ToBase64String([IO.File]::ReadAllBytes($file))) { $same = $false }
                        }
                        $same
                    }
                    $matches | Should -Contain $true -Because "'$($case.Point.Name)': $entity/$snapshot holds one source version"
                }
            }

            $next = Invoke-CISynapseExport -Name $case.Export.Name -SkipPrerequisiteCheck -Confirm:$false -WarningAction SilentlyContinue
            $next.Status | Should -Be 'Succeeded' -Because "the run after '$($case.Point.Name)' succeeds"
            Assert-LakeMatchesSource -Source $case.Export.Source -Database $db
            $model = Get-LakeModel $db
            $views = Get-ViewBulk $db
            foreach ($entity in $views.Keys) { $views[$entity] | Should -Be "$entity/$(Get-SnapshotOf $model $entity)/**" }
        }
    }
}
