# Issue 24 (items 4, 9): a crashed run frees its database quickly; snapshot folders nothing refers to are deleted.
# The module reaches Azurite through the emulator's storage proxy; the tests read the lake directly.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'RunReliability.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared -FaultyStorage
    $script:Direct = $Stack.PSObject.Copy()
    $Direct.AzuriteBlobUrl = $Stack.DirectAzuriteBlobUrl
    $script:Account = $Prepared.storageAccounts[0].name
    $script:Container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Direct -Account $Account -Container $Container
    $script:StorePath = Join-Path $TestDrive 'store'
    Set-CISynapseStore -Location $StorePath
    $connect = $Stack.ConnectArguments
    Connect-CISynapseAccount @connect | Out-Null
    $script:ConnectPath = Join-Path $TestDrive 'connect.json'
    $Stack.ConnectArguments | ConvertTo-Json | Set-Content -LiteralPath $ConnectPath
    $workspace = $Prepared.synapseWorkspaces[0]
    $null = New-CISynapseConnection -Name 'lake' -DisplayName 'Synapse' -SubscriptionId $Prepared.subscriptions[0].subscriptionId -ResourceGroupName $workspace.resourceGroup -WorkspaceName $workspace.name -StorageAccountName $Account -Container $Container

    function New-Export([string] $Id, [int] $EntityCount = 4, [int] $Seed = 1) {
        $source = New-CISynapseTestCdmFolder -Path (Join-Path $TestDrive "ci-$Id") -EntityCount $EntityCount -RowsPerEntity 6 -PartitionsPerEntity 2 -Seed $Seed
        $null = New-CISynapseExport -Name "export-$Id" -Connection 'lake' -Source $source.FullName -DatabaseName "db_$Id" -Entity '*'
        [pscustomobject]@{ Name = "export-$Id"; Source = $source.FullName; Database = "db_$Id"; EntityCount = $EntityCount }
    }

    function Invoke-Run([string] $Name) { Invoke-CISynapseExport -Name $Name -SkipPrerequisiteCheck -Confirm:$false -WarningAction SilentlyContinue }
    function Get-LakeBlob([string] $Prefix) { @(Get-CISynapseTestBlob -Stack $Direct -Account $Account -Container $Container -Prefix $Prefix) }
    function Get-LakeModel([string] $Database) {
        [Text.Encoding]::UTF8.GetString((Get-CISynapseTestBlobContent -Stack $Direct -Account $Account -Container $Container -Name "$Database/model.json")) | ConvertFrom-Json
    }
    function Get-SnapshotOf($Model, [string] $Entity) {
        (($Model.entities | Where-Object name -EQ $Entity).annotations | Where-Object name -EQ 'cisynapse:snapshotId').value
    }
    function Get-LeaseState([string] $Name) {
        $uri = "$(Get-CISynapseTestBlobEndpoint $Direct $Account)/$Container/$Name"
        $response = Invoke-CISynapseTestBlobRequest -Stack $Direct -Uri $uri -Method Head -Raw
        if ($response.StatusCode -eq 404) { return 'missing' }
        "$($response.Headers['x-ms-lease-state'])"
    }
    function Get-ViewBulk([string] $Database) {
        $views = @{}
        foreach ($view in @((Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database $Database).views)) { $views[$view.name] = $view.bulk }
        $views
    }
    function Assert-ViewsFollowModel([string] $Database, [int] $Count) {
        $model = Get-LakeModel $Database
        $views = Get-ViewBulk $Database
        $views.Count | Should -Be $Count
        foreach ($entity in $views.Keys) { $views[$entity] | Should -Be "$entity/$(Get-SnapshotOf $model $entity)/**" -Because "view $entity reads what model.json names" }
    }
    function Wait-Until([scriptblock] $Condition, [int] $Seconds, [int] $PollMilliseconds = 50) {
        $deadline = [DateTime]::UtcNow.AddSeconds($Seconds)
        while (-not (& $Condition) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds $PollMilliseconds }
        [bool](& $Condition)
    }
    function Start-Worker($Export, [string] $Tag) {
        Start-CISynapseRunWorker -Store $StorePath -ConnectPath $ConnectPath -ExportName $Export.Name -ResultPath (Join-Path $TestDrive "$Tag.json") -Tag $Tag
    }
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'A crashed run' {
    It 'blocks the next run of its database only until its 15 s lease expires' {
        $e = New-Export -Id 'crash'
        (Invoke-Run $e.Name).Status | Should -Be 'Succeeded'
        $null = New-CISynapseTestCdmFolder -Path $e.Source -EntityCount 4 -RowsPerEntity 8 -PartitionsPerEntity 2 -Seed 2
        $null = Set-CISynapseStorageFault -Stack $Stack -LatencyMilliseconds 200
        $worker = Start-Worker $e 'crash'
        try {
            Wait-Until { (Get-LeaseState "$($e.Database)/_lock") -eq 'leased' } -Seconds 90 -PollMilliseconds 20 | Should -BeTrue -Because 'the run takes its lock'
        }
        finally {
            $worker.Process.Kill($true)
            $killedAt = [DateTime]::UtcNow
            $null = $worker.Process.WaitForExit(10000)
            $null = Set-CISynapseStorageFault -Stack $Stack -Clear
        }
        Get-LeaseState "$($e.Database)/_lock" | Should -Be 'leased' -Because 'a killed process releases nothing'

        $freed = Wait-Until { (Get-LeaseState "$($e.Database)/_lock") -ne 'leased' } -Seconds 20 -PollMilliseconds 250
        $freed | Should -BeTrue -Because "the lease of a crashed run expires within 15 s (waited until $killedAt + 20 s)"
        $next = Invoke-Run $e.Name
        $next.Status | Should -Be 'Succeeded'
        Assert-ViewsFollowModel -Database $e.Database -Count 4
    }
}

Describe 'Snapshot garbage' {
    It 'leaves no unreferenced snapshot folder after runs killed at several points and one successful run' {
        $e = New-Export -Id 'garbage' -EntityCount 4
        (Invoke-Run $e.Name).Status | Should -Be 'Succeeded'
        $null = Set-CISynapseStorageFault -Stack $Stack -LatencyMilliseconds 200
        try {
            foreach ($point in 1, 4, 8) {
                $null = New-CISynapseTestCdmFolder -Path $e.Source -EntityCount 4 -RowsPerEntity (6 + $point) -PartitionsPerEntity 2 -Seed (10 + $point)
                $before = @(Get-LakeBlob "$($e.Database)/" | ForEach-Object Name)
                $worker = Start-Worker $e "garbage-$point"
                $reached = Wait-Until { @(Get-LakeBlob "$($e.Database)/" | Where-Object { $_.Name -notin $before -and $_.Name -match '\.csv$' }).Count -ge $point } -Seconds 90 -PollMilliseconds 20
                $worker.Process.Kill($true)
                $null = $worker.Process.WaitForExit(10000)
                $reached | Should -BeTrue -Because "the run was killed after $point new files"
                Wait-Until { (Get-LeaseState "$($e.Database)/_lock") -ne 'leased' } -Seconds 20 -PollMilliseconds 250 | Should -BeTrue
            }
        }
        finally {
            $null = Set-CISynapseStorageFault -Stack $Stack -Clear
        }
        $killedFolders = @(Get-LakeBlob "$($e.Database)/" | ForEach-Object { $_.Name.Split('/')[2] } | Where-Object { $_ -match '^\d{8}T\d{9}Z-[0-9a-f]{6}$' } | Sort-Object -Unique)
        # Folders younger than the longest lease (60 s) could belong to a live run; wait until the killed ones are older.
        $newest = [DateTime]::ParseExact($killedFolders[-1].Substring(0, 19), "yyyyMMdd'T'HHmmssfff'Z'", [Globalization.CultureInfo]::InvariantCulture, 'AssumeUniversal,AdjustToUniversal')
        Wait-Until { [DateTime]::UtcNow -gt $newest.AddSeconds(62) } -Seconds 90 -PollMilliseconds 500 | Should -BeTrue

        $null = New-CISynapseTestCdmFolder -Path $e.Source -EntityCount 4 -RowsPerEntity 20 -PartitionsPerEntity 2 -Seed 30
        (Invoke-Run $e.Name).Status | Should -Be 'Succeeded'

        $model = Get-LakeModel $e.Database
        $views = Get-ViewBulk $e.Database
        foreach ($entity in $views.Keys) {
            $folders = @(Get-LakeBlob "$($e.Database)/$entity/" | ForEach-Object { $_.Name.Split('/')[2] } | Sort-Object -Unique)
            $referenced = @((Get-SnapshotOf $model $entity), ($views[$entity] -replace "^$entity/([^/]+)/\*\*$", '$1')) | Sort-Object -Unique
            $folders | Where-Object { $_ -notin $referenced -and $_ -ne $folders[-2] } | Should -BeNullOrEmpty -Because "$entity keeps only what its view and model.json read, and the snapshot before it"
            $folders.Count | Should -BeLessOrEqual 2
        }
        Assert-ViewsFollowModel -Database $e.Database -Count 4
    }

    It 'clears unreferenced snapshot folders on demand, -WhatIf first, and reports the bytes freed' {
        $e = New-Export -Id 'clear' -EntityCount 2
        (Invoke-Run $e.Name).Status | Should -Be 'Succeeded'
        $model = Get-LakeModel $e.Database
        # Two folders of killed runs: the newer one is kept (a view may read the snapshot before model.json's), the older goes.
        $orphan = "$($e.Database)/Entity001/20200101T000000000Z-abcdef"
        $kept = "$($e.Database)/Entity001/20200102T000000000Z-abcdef"
        $bytes = [Text.Encoding]::UTF8.GetBytes("left,by,a,killed,run`n")
        $headers = @{ Authorization = "Bearer $($Direct.Tokens.Storage)"; 'x-ms-version' = '2021-08-06'; 'x-ms-blob-type' = 'BlockBlob' }
        foreach ($folder in $orphan, $kept) {
            $null = Invoke-WebRequest -Uri "$(Get-CISynapseTestBlobEndpoint $Direct $Account)/$Container/$folder/part-0000.csv" -Method Put -Headers $headers -Body $bytes
        }

        $preview = Clear-CISynapseExportSnapshot -Name $e.Name -WhatIf
        $preview.DeletedFolders | Should -BeNullOrEmpty
        $preview.KeptFolders | Should -Be $orphan
        @(Get-LakeBlob "$orphan/").Count | Should -Be 1 -Because '-WhatIf deletes nothing'

        $cleared = Clear-CISynapseExportSnapshot -Name $e.Name -Confirm:$false
        $cleared.DeletedFolders | Should -Be $orphan
        $cleared.BytesFreed | Should -Be $bytes.Length
        @(Get-LakeBlob "$orphan/").Count | Should -Be 0
        @(Get-LakeBlob "$kept/").Count | Should -Be 1
        foreach ($entity in 'Entity001', 'Entity002') { @(Get-LakeBlob "$($e.Database)/$entity/$(Get-SnapshotOf $model $entity)/").Count | Should -Be 2 }
        Assert-ViewsFollowModel -Database $e.Database -Count 2
    }
}
