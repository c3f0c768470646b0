# Issue 24 against the local stack: a local CDM folder lends no outside file (item 1), a SAS in a source URL is
# refused and never stored or shown (item 8), and -Debug never becomes a prompt in a non-interactive host (item 10).
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $script:Sub = $Prepared.subscriptions[0].subscriptionId
    $script:Rg = $Prepared.synapseWorkspaces[0].resourceGroup
    $script:Workspace = $Prepared.synapseWorkspaces[0].name
    $script:Account = $Prepared.storageAccounts[0].name
    $script:Container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Stack -Account $Account -Container $Container

    function New-Scenario {
        # A fresh store, connection and CDM source; the export is made by the test (some sources are refused).
        param([hashtable] $Rows = @{ Customer = 10; Segments = 5 })
        $id = [guid]::NewGuid().ToString('N').Substring(0, 8)
        Set-CISynapseStore -Location (Join-Path $TestDrive "store-$id")
        $connect = $Stack.ConnectArguments
        Connect-CISynapseAccount @connect | Out-Null
        $source = New-CISynapseTestCdmFolder -Path (Join-Path $TestDrive "ci-$id") -Rows $Rows
        $null = New-CISynapseConnection -Name "conn-$id" -DisplayName 'Synapse' -SubscriptionId $Sub -ResourceGroupName $Rg -WorkspaceName $Workspace -StorageAccountName $Account -Container $Container
        [pscustomobject]@{ Id = $id; Source = $source.FullName; Connection = "conn-$id"; Export = "export-$id"; Database = "db_$id"; Entities = @($Rows.Keys) }
    }

    function New-ScenarioExport($Scenario, [string] $Source = $Scenario.Source) {
        New-CISynapseExport -Name $Scenario.Export -Connection $Scenario.Connection -Source $Source -DatabaseName $Scenario.Database -Entity $Scenario.Entities
    }

    function Get-LandedBlob([string] $Database) {
        @(Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "$Database/" | Where-Object { $_.Name -notlike "$Database/_runs/*" -and $_.Name -notlike "$Database/_lock*" })
    }
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'A local CDM folder lends no file from outside it' -Skip:$IsWindows {
    It 'refuses an entity folder that is a symbolic link to an outside folder: SourceFileOutsideFolder, nothing landed' {
        $s = New-Scenario
        $null = New-ScenarioExport $s
        $outside = Join-Path $TestDrive "outside-$($s.Id)"
        Move-Item -Path (Join-Path $s.Source 'Customer') -Destination $outside
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $s.Source 'Customer') -Target $outside

        $err = $null
        try { $null = Invoke-CISynapseExport -Name $s.Export -Confirm:$false -ErrorAction Stop -WarningAction SilentlyContinue } catch { $err = $_ }

        $err.FullyQualifiedErrorId | Should -BeLike 'ExportRunFailed,*'
        $err.Exception.InnerException.ErrorId | Should -Be 'SourceFileOutsideFolder'
        $err.Exception.InnerException.Message | Should -Match ([regex]::Escape('Customer'))
        Get-LandedBlob $s.Database | Should -BeNullOrEmpty -Because 'no file is landed once one is refused'
        (Get-CISynapseExportRun -ExportName $s.Export).ErrorId | Should -Be 'SourceFileOutsideFolder'
    }

    It 'refuses a partition file that is a symbolic link to an outside file: SourceFileOutsideFolder, nothing landed' {
        $s = New-Scenario
        $null = New-ScenarioExport $s
        $secret = Join-Path $TestDrive "secret-$($s.Id).csv"
        Set-Content -Path $secret -Value 'top,secret'
        $partition = Get-ChildItem (Join-Path $s.Source 'Segments') -Filter *.csv | Select-Object -First 1
        Remove-Item $partition.FullName
        $null = New-Item -ItemType SymbolicLink -Path $partition.FullName -Target $secret

        $err = $null
        try { $null = Invoke-CISynapseExport -Name $s.Export -Confirm:$false -ErrorAction Stop -WarningAction SilentlyContinue } catch { $err = $_ }

        $err.FullyQualifiedErrorId | Should -BeLike 'ExportRunFailed,*'
        $err.Exception.InnerException.ErrorId | Should -Be 'SourceFileOutsideFolder'
        $err.Exception.InnerException.Message | Should -Match ([regex]::Escape($partition.Name))
        Get-LandedBlob $s.Database | Should -BeNullOrEmpty
    }

    It 'New-CISynapseExport refuses a source with an entity folder linked outside: SourceFileOutsideFolder' {
        $s = New-Scenario
        $outside = Join-Path $TestDrive "outside-$($s.Id)"
        Move-Item -Path (Join-Path $s.Source 'Customer') -Destination $outside
        $null = New-Item -ItemType SymbolicLink -Path (Join-Path $s.Source 'Customer') -Target $outside

        { New-ScenarioExport $s } | Should -Throw -ErrorId 'SourceFileOutsideFolder,*'
    }

    It 'refuses a partition that is a FIFO without blocking: SourceFileNotRegular' {
        $s = New-Scenario
        $null = New-ScenarioExport $s
        $partition = Get-ChildItem (Join-Path $s.Source 'Segments') -Filter *.csv | Select-Object -First 1
        Remove-Item $partition.FullName
        & mkfifo $partition.FullName

        $err = $null
        try { $null = Invoke-CISynapseExport -Name $s.Export -Confirm:$false -ErrorAction Stop -WarningAction SilentlyContinue } catch { $err = $_ }

        $err.FullyQualifiedErrorId | Should -BeLike 'ExportRunFailed,*'
        $err.Exception.InnerException.ErrorId | Should -Be 'SourceFileNotRegular'
        Get-LandedBlob $s.Database | Should -BeNullOrEmpty
    }
}

Describe 'A source URL with a query string (a SAS) is refused, never stored or shown' {
    BeforeAll {
        $script:Signature = 'sig=Zm9yZ2VkU2FzU2lnbmF0dXJlQ2FuYXJ5MTIz'
        $script:SasSource = "$(Get-CISynapseTestBlobEndpoint $Stack $Account)/$Container/ci?sv=2024-11-04&sr=c&sp=rl&$Signature"
    }

    It 'New-CISynapseExport refuses it before asking or storing: SourceUrlHasQuery, no signature in any message' {
        $s = New-Scenario
        $err = $null
        $messages = New-CISynapseExport -Name $s.Export -Connection $s.Connection -Source $SasSource -DatabaseName $s.Database -Entity Customer -Verbose -ErrorAction SilentlyContinue -ErrorVariable err 4>&1 3>&1

        $err[0].FullyQualifiedErrorId | Should -BeLike 'SourceUrlHasQuery,*'
        $err[0].ErrorDetails.RecommendedAction + $err[0].CategoryInfo.TargetName | Should -Not -Match 'sig='
        $err[0].Exception.Message | Should -Not -Match ([regex]::Escape($Signature))
        $err[0].Exception.Message | Should -Match ([regex]::Escape("$Container/ci'"))
        ($messages | Out-String) | Should -Not -Match ([regex]::Escape($Signature))
        Get-CISynapseExport -Name $s.Export -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $stored = Get-ChildItem -Recurse -File (Get-CISynapseStore).Location | ForEach-Object { Get-Content -Raw $_.FullName }
        ($stored -join "`n") | Should -Not -Match ([regex]::Escape($Signature))
    }

    It 'Get-CISynapseEntity refuses it: SourceUrlHasQuery' {
        $err = $null
        $null = Get-CISynapseEntity -Source $SasSource -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SourceUrlHasQuery,*'
        $err[0].Exception.Message | Should -Not -Match ([regex]::Escape($Signature))
    }

    It 'an export stored with one before this rule is refused at run time and shown without it' {
        $s = New-Scenario
        $null = New-ScenarioExport $s
        $document = Get-ChildItem -Recurse -File (Get-CISynapseStore).Location -Filter "$($s.Export).json" | Select-Object -First 1
        $json = Get-Content -Raw $document.FullName | ConvertFrom-Json -AsHashtable
        $json.content.source = $SasSource
        $json | ConvertTo-Json -Depth 20 | Set-Content -NoNewline $document.FullName

        $err = $null
        $messages = Invoke-CISynapseExport -Name $s.Export -Confirm:$false -Verbose -ErrorAction SilentlyContinue -ErrorVariable err 4>&1 3>&1

        $err[0].FullyQualifiedErrorId | Should -BeLike 'SourceUrlHasQuery,*'
        $err[0].Exception.Message | Should -Not -Match ([regex]::Escape($Signature))
        ($messages | Out-String) | Should -Not -Match ([regex]::Escape($Signature))
        Get-LandedBlob $s.Database | Should -BeNullOrEmpty
        (Get-CISynapseExport -Name $s.Export).Source | Should -Be ($SasSource -replace '\?.*$')
        (Get-CISynapseExport -Name $s.Export | Format-List * | Out-String) | Should -Not -Match ([regex]::Escape($Signature))
    }
}

Describe '-Debug in a host that cannot prompt' {
    It 'New-CISynapseConnection and Get-CISynapseEntity with -Debug in pwsh -NonInteractive without stdin: no prompt, no error, debug lines' {
        $id = [guid]::NewGuid().ToString('N').Substring(0, 8)
        $work = Join-Path $TestDrive "debug-$id"
        $null = New-Item -ItemType Directory -Path $work
        $source = New-CISynapseTestCdmFolder -Path (Join-Path $work 'ci') -Rows @{ Customer = 3 }
        $connectPath = Join-Path $work 'connect.json'
        $Stack.ConnectArguments | ConvertTo-Json | Set-Content -LiteralPath $connectPath
        $script = Join-Path $work 'child.ps1'
        Set-Content -LiteralPath $script -Value @'
param($Module, $Store, $ConnectPath, $Source, $Sub, $Rg, $Workspace, $Account, $Container)
$ErrorActionPreference = 'Stop'
Import-Module $Module
Set-CISynapseStore -Location $Store
$connect = Get-Content -Raw -LiteralPath $ConnectPath | ConvertFrom-Json -AsHashtable
$null = Connect-CISynapseAccount @connect
$connection = New-CISynapseConnection -Name debugged -SubscriptionId $Sub -ResourceGroupName $Rg -WorkspaceName $Workspace -StorageAccountName $Account -Container $Container -Debug
$entities = @(Get-CISynapseEntity -Source $Source -Debug)
"RESULT connection=$($connection.Name) entities=$($entities.Count)"
'@
        $info = [Diagnostics.ProcessStartInfo]::new()
        $pwsh = Join-Path $PSHOME 'pwsh'
        if (Test-Path $pwsh) { $info.FileName = $pwsh } else { $info.FileName = 'dotnet'; $info.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($argument in '-NoProfile', '-NonInteractive', '-File', $script, '-Module', $env:CISYNAPSE_TEST_MODULE, '-Store', (Join-Path $work 'store'),
            '-ConnectPath', $connectPath, '-Source', $source.FullName, '-Sub', $Sub, '-Rg', $Rg, '-Workspace', $Workspace, '-Account', $Account, '-Container', $Container) { $info.ArgumentList.Add($argument) }
        $info.RedirectStandardInput = $true
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        $process = [Diagnostics.Process]::Start($info)
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(120000)) { $process.Kill($true); throw 'The child pwsh did not finish within 120 s (waiting at a prompt?).' }
        $output = $stdout.Result + $stderr.Result

        $process.ExitCode | Should -Be 0 -Because $output
        $output | Should -Not -Match 'NonInteractive mode|Continue with this operation|UnexpectedError'
        $output | Should -Match 'RESULT connection=debugged entities=1'
        $output | Should -Match 'DEBUG: .*model\.json' -Because 'the messages -Debug asks for are shown'
        $output | Should -Match 'WARNING: The definition store' -Because 'a warning is still shown, only not asked about'
    }
}

Describe 'A name SQL cannot hold fails its entity alone' {
    It 'an entity with a 200-character attribute is Failed and not landed; the others land and their views move; PartiallySucceeded' {
        $s = New-Scenario -Rows @{ Customer = 10; Segments = 5; UnifiedActivity = 6 }
        $modelPath = Join-Path $s.Source 'model.json'
        $model = Get-Content -Raw $modelPath | ConvertFrom-Json -Depth 50
        $longName = 'a' * 200
        ($model.entities | Where-Object name -EQ 'Segments').attributes[0].name = $longName
        $model | ConvertTo-Json -Depth 50 | Set-Content -LiteralPath $modelPath
        $null = New-ScenarioExport $s

        $runErrors = $null
        $run = Invoke-CISynapseExport -Name $s.Export -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue -ErrorVariable runErrors
        $again = Invoke-CISynapseExport -Name $s.Export -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue

        $run.Status | Should -Be 'PartiallySucceeded'
        $runErrors[0].FullyQualifiedErrorId | Should -BeLike 'ExportRunPartiallySucceeded,*'
        $runErrors[0].Exception.Message | Should -Match 'Segments'
        $segments = $run.Entities | Where-Object Entity -EQ 'Segments'
        $segments.Action | Should -Be 'Failed'
        $segments.ErrorId | Should -Be 'AttributeNameUnusable'
        $segments.Error | Should -Match ([regex]::Escape($longName))
        @($run.Entities | Where-Object Action -EQ 'Landed').Entity | Sort-Object | Should -Be @('Customer', 'UnifiedActivity')
        $run.SqlApplied | Should -BeTrue
        $views = (Get-CISynapseEmulatorSqlCatalog -Stack $Stack -Database $s.Database).views
        @($views.name | Sort-Object) | Should -Be @('Customer', 'UnifiedActivity')
        foreach ($entity in 'Customer', 'UnifiedActivity') {
            $snapshot = ($run.Entities | Where-Object Entity -EQ $entity).SnapshotId
            ($views | Where-Object name -EQ $entity).bulk | Should -Be "$entity/$snapshot/**"
        }
        $again.Status | Should -Be 'PartiallySucceeded'
        @(Get-CISynapseTestBlob -Stack $Stack -Account $Account -Container $Container -Prefix "$($s.Database)/Segments/") | Should -BeNullOrEmpty -Because 'a refused entity is not landed, so retries pile up nothing'
    }
}
