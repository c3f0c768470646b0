# Secrets (issue 12): tokens carrying a canary claim are used by every cmdlet (successes and failures, with Verbose
# and Debug on); neither the canary nor any token text reaches output, error records, the store (local or Blob),
# the lake container, or any file under the session's HOME and temp folder.
# Run level: an export is saved, run (T-SQL applied to the emulator's TDS endpoint), listed and removed; the lake's
# run records (_runs/), saved T-SQL (_sql/), the store's run records and the SQL batches the emulator received are searched too.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot 'SecretCanary.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Canary = New-SecretCanary
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared -ExtraClaims $Canary.Claims
    Add-CanarySecret $Canary @($Stack.Tokens.Values)
    $script:StorageToken = $Stack.Tokens.Storage
    $script:Headers = @{ Authorization = "Bearer $StorageToken"; 'x-ms-version' = '2021-08-06' }

    # The session's HOME, config and temp folders are fresh, and CISYNAPSE_HOME is unset: the default store
    # lands under HOME, and any file the module writes is found below these folders.
    $script:SavedEnvironment = @{}
    foreach ($name in 'HOME', 'XDG_CONFIG_HOME', 'TMPDIR', 'CISYNAPSE_HOME', 'CISYNAPSE_STORE') {
        $SavedEnvironment[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    $script:TempHome = Join-Path $TestDrive 'home'
    $script:TempTmp = Join-Path $TestDrive 'tmp'
    $null = New-Item -ItemType Directory -Path $TempHome, $TempTmp
    $env:HOME = $TempHome
    $env:TMPDIR = $TempTmp
    foreach ($name in 'XDG_CONFIG_HOME', 'CISYNAPSE_HOME', 'CISYNAPSE_STORE') { [Environment]::SetEnvironmentVariable($name, $null) }
    Set-CISynapseStore -Default

    function New-Container([string] $Name) {
        $null = Invoke-WebRequest -Method Put -Uri "$($Stack.AzuriteBlobUrl)/$($Name)?restype=container" -Headers $Headers
        "$($Stack.AzuriteBlobUrl)/$Name"
    }
    function Send-Blob([string] $Url, [string] $Content) {
        $null = Invoke-WebRequest -Method Put -Uri $Url -Headers ($Headers + @{ 'x-ms-blob-type' = 'BlockBlob' }) -Body $Content -ContentType 'application/octet-stream'
    }

    # A CDM folder in Azurite, read through the module's own sign-in.
    $script:LakeUrl = New-Container 'lake'
    $model = @{ name = 'canary'; version = '1.0'; entities = @(@{ '$type' = 'LocalEntity'; name = 'Orders'
                attributes = @(@{ name = 'Id'; dataType = 'int64' }, @{ name = 'Note'; dataType = 'string' })
                partitions = @(@{ name = 'p0'; location = "$LakeUrl/cdm/Orders/part-0.csv" }) }) } | ConvertTo-Json -Depth 8
    Send-Blob "$LakeUrl/cdm/model.json" $model
    Send-Blob "$LakeUrl/cdm/Orders/part-0.csv" "1,first`n2,second`n"
    $script:DefsUrl = New-Container 'defs'
    New-CISynapseTestBlobContainer -Stack $Stack -Account $Prepared.storageAccounts[0].name -Container $Prepared.storageAccounts[0].containers[0].name
    $script:ExportLakeUrl = "$(Get-CISynapseTestBlobEndpoint $Stack $Prepared.storageAccounts[0].name)/$($Prepared.storageAccounts[0].containers[0].name)"

    $sub = $Prepared.subscriptions[0].subscriptionId
    $rg = $Prepared.synapseWorkspaces[0].resourceGroup
    $script:Target = @{ SubscriptionId = $sub; ResourceGroupName = $rg; WorkspaceName = $Prepared.synapseWorkspaces[0].name
        StorageAccountName = $Prepared.storageAccounts[0].name; Container = $Prepared.storageAccounts[0].containers[0].name }
    $script:WrongAudience = New-CISynapseTestToken -ObjectId $Prepared.signedInUser -TenantId $Prepared.tenantId -Audience 'https://storage.azure.com' -ExtraClaims $Canary.Claims
    $script:Expired = New-CISynapseTestToken -ObjectId $Prepared.signedInUser -TenantId $Prepared.tenantId -Audience $Stack.EmulatorUrl -ExpiresIn ([TimeSpan]::FromMinutes(-10)) -ExtraClaims $Canary.Claims
    Add-CanarySecret $Canary $WrongAudience, $Expired

    # With -Debug, PowerShell turns warnings into prompts (WarningPreference Inquire), which a non-interactive
    # session refuses; warnings are captured as records instead.
    $script:SavedDefaults = $PSDefaultParameterValues.Clone()
    $PSDefaultParameterValues['*-CISynapse*:WarningAction'] = 'Continue'

    # The scenario: every cmdlet the module has, successes and failures. Append run-level steps here.
    $connectArgs = $Stack.ConnectArguments
    $script:Scenario = [ordered]@{
        'sign in'                       = { Connect-CISynapseAccount @connectArgs -Verbose -Debug; Get-CISynapseContext -Verbose -Debug }
        'default store'                 = { Get-CISynapseStore -Verbose -Debug }
        'validated connection'          = { New-CISynapseConnection -Name 'Sales' @Target -UsableBy AdministratorsAndContributors -Verbose -Debug }
        'read and change it'            = {
            Get-CISynapseConnection -Verbose -Debug
            Set-CISynapseConnection -Name 'Sales' -DisplayName 'Sales lake' -PassThru -Verbose -Debug
            Set-CISynapseConnection -Name 'Sales' -WorkspaceName 'ws-missing' -Verbose -Debug
        }
        'a connection Azure refuses'    = { New-CISynapseConnection -Name 'Nowhere' @Target -WorkspaceName 'ws-missing' -Verbose -Debug }
        'roles'                         = {
            Grant-CISynapseRole -PrincipalId 'a1b2c3d4-0000-4000-8000-000000000044' -Role Viewer -Verbose -Debug
            Get-CISynapseRole -Verbose -Debug
            Revoke-CISynapseRole -PrincipalId 'a1b2c3d4-0000-4000-8000-000000000044' -Confirm:$false -Verbose -Debug
            Revoke-CISynapseRole -PrincipalId 'a1b2c3d4-0000-4000-8000-000000000044' -Confirm:$false -Verbose -Debug
        }
        'prerequisites and a repair'    = {
            $missing = $Prepared | ConvertTo-Json -Depth 32 | ConvertFrom-Json -AsHashtable
            $missing.roleAssignments = @($missing.roleAssignments | Where-Object { $_.description -notlike 'Workspace managed identity*' })
            Set-CISynapseEmulatorScenario -Stack $Stack -Scenario $missing
            Test-CISynapsePrerequisite -ConnectionName 'Sales' -Verbose -Debug
            Repair-CISynapsePrerequisite -ConnectionName 'Sales' -Confirm:$false -Verbose -Debug
            Test-CISynapsePrerequisite -ConnectionName 'Sales' -Verbose -Debug
        }
        'entities from Azurite'         = {
            Get-CISynapseEntity -Source "$LakeUrl/cdm" -Detailed -Verbose -Debug
            Get-CISynapseEntity -Source "$LakeUrl/cdm" -Name 'Missing' -Verbose -Debug
            Get-CISynapseEntity -Source "$LakeUrl/nothing-here" -Verbose -Debug
        }
        'a store in a Blob container'   = {
            Set-CISynapseStore -Location "$DefsUrl/team" -PassThru -Verbose -Debug
            New-CISynapseConnection -Name 'Shared' @Target -Verbose -Debug
            Get-CISynapseConnection -Name 'Shared' -Verbose -Debug | Remove-CISynapseConnection -Confirm:$false -Verbose -Debug
            New-CISynapseConnection -Name 'Kept' @Target -SkipValidation -Verbose -Debug
            Set-CISynapseStore -Location "$($Stack.AzuriteBlobUrl)/no-such-container" -Verbose -Debug
            Get-CISynapseConnection -Verbose -Debug
            Set-CISynapseStore -Default -Verbose -Debug
        }
        'a token for the wrong service' = {
            Connect-CISynapseAccount -AccessToken $WrongAudience -ResourceManagerUrl $Stack.ResourceManagerUrl -Verbose -Debug
            New-CISynapseConnection -Name 'Refused' @Target -Verbose -Debug
        }
        'an expired token'              = { Connect-CISynapseAccount -AccessToken $Expired -ResourceManagerUrl $Stack.ResourceManagerUrl -Verbose -Debug }
        'an export run'                 = {
            Connect-CISynapseAccount @connectArgs
            Set-CISynapseEmulatorScenario -Stack $Stack -Scenario $Prepared
            $source = New-CISynapseTestCdmFolder -Path (Join-Path $TestDrive 'export-source') -Rows @{ Customer = 5; Segments = 3 }
            New-CISynapseExport -Name 'Nightly' -Connection 'Sales' -Source $source.FullName -DatabaseName 'db_canary' -Entity '*' -Verbose -Debug
            Invoke-CISynapseExport -Name 'Nightly' -Confirm:$false -Verbose -Debug
            Set-CISynapseEmulatorSqlFault -Stack $Stack -Kind error -Count 1 -Match 'CREATE OR ALTER VIEW' -Message 'refused by the test'
            $null = New-CISynapseTestCdmFolder -Path $source.FullName -Rows @{ Customer = 6; Segments = 4 } -Seed 2
            # A failed run is a terminating ExportRunFailed: its error record is kept to search, and the step goes on.
            try { Invoke-CISynapseExport -Name 'Nightly' -Confirm:$false -Verbose -Debug } catch { $_ }
            Set-CISynapseEmulatorSqlFault -Stack $Stack -Clear
            Invoke-CISynapseExport -Name 'Nightly' -WhatIf -Verbose -Debug
            Invoke-CISynapseExport -Name 'No such export' -Confirm:$false -Verbose -Debug
            Get-CISynapseExportRun -ExportName 'Nightly' -Verbose -Debug
            # Removing the export may remove its records; a copy of the store stays in the searched temp folder.
            Copy-Item -Recurse -LiteralPath (Get-CISynapseStore).Location -Destination (Join-Path $TempTmp 'store-before-removal')
            Remove-CISynapseExport -Name 'Nightly' -Confirm:$false -Verbose -Debug
        }
        'sign out'                      = {
            Connect-CISynapseAccount @connectArgs
            Remove-CISynapseConnection -Name 'Sales' -Confirm:$false -Verbose -Debug
            Disconnect-CISynapseAccount -Verbose -Debug
        }
    }

    # Every command of a step runs even when one before it fails (the suite runs with ErrorActionPreference Stop).
    $ErrorActionPreference = 'Continue'
    $script:Records = [Collections.Generic.List[object]]::new()
    $script:RecordsByStep = [ordered]@{}
    foreach ($step in $Scenario.GetEnumerator()) {
        $captured = Invoke-CanaryCapture $step.Value
        $RecordsByStep[$step.Key] = $captured
        $Records.AddRange([object[]]$captured)
    }
}

AfterAll {
    $PSDefaultParameterValues.Clear()
    foreach ($entry in $SavedDefaults.GetEnumerator()) { $PSDefaultParameterValues[$entry.Key] = $entry.Value }
    foreach ($entry in $SavedEnvironment.GetEnumerator()) { [Environment]::SetEnvironmentVariable($entry.Key, $entry.Value) }
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'The canary detector' {
    It 'finds the canary and a token in text, records, files and blobs' {
        { Assert-NoCanary $Canary -Text "claim: $($Canary.Value)" } | Should -Throw '*canary*'
        { Assert-NoCanary $Canary -Text "Bearer $StorageToken" } | Should -Throw '*token*'
        { Assert-NoCanary $Canary -Text "sig $($StorageToken.Split('.')[2])" } | Should -Throw '*token*'
        $record = [Management.Automation.ErrorRecord]::new([Exception]::new('inner', [Exception]::new("deep $($Canary.Value)")), 'X', 'NotSpecified', $null)
        { Assert-NoCanary $Canary -InputObject $record } | Should -Throw '*canary*'
        $file = Join-Path $TestDrive 'leak.txt'
        [IO.File]::WriteAllText($file, $Stack.Tokens.Graph, [Text.Encoding]::Unicode)
        { Assert-NoCanary $Canary -Path $TestDrive } | Should -Throw '*leak.txt*'
        Remove-Item $file
        $probe = New-Container 'probe'
        Send-Blob "$probe/a/b.json" "{""t"":""$($Canary.Value)""}"
        { Assert-NoCanary $Canary -ContainerUrl $probe -StorageToken $StorageToken } | Should -Throw '*a/b.json*'
        $null = Invoke-WebRequest -Method Delete -Uri "$($probe)?restype=container" -Headers $Headers
    }
}

Describe 'No secret leaves memory' {
    It 'ran every step, with output, Verbose and Debug messages and error records to search' {
        $RecordsByStep.Keys.Count | Should -Be $Scenario.Keys.Count
        @($Records | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 5
        @($Records | Where-Object { $_ -is [Management.Automation.ErrorRecord] }).Count | Should -BeGreaterThan 5
        $ids = @($Records | Where-Object { $_ -is [Management.Automation.ErrorRecord] } | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) | Sort-Object -Unique
        $summary = foreach ($step in $RecordsByStep.Keys) {
            "$($step): " + (@($RecordsByStep[$step] | Where-Object { $_ -is [Management.Automation.ErrorRecord] } | ForEach-Object { "$($_.FullyQualifiedErrorId.Split(',')[0]) ($($_.Exception.Message))" }) -join '; ')
        }
        foreach ($expected in 'WorkspaceNotFound', 'RoleAssignmentNotFound', 'EntityNotFound', 'CdmDocumentNotFound', 'StoreUnavailable', 'AccessTokenExpired', 'AuthenticationFailed') {
            $ids | Should -Contain $expected -Because ($summary -join "`n")
        }
        $ids | Should -Not -Contain 'UnexpectedError'
        foreach ($step in $RecordsByStep.Keys) { $RecordsByStep[$step].Count | Should -BeGreaterThan 0 -Because $step }
        # The repair created the workspace identity's missing role assignment: the second check passes.
        @($RecordsByStep['prerequisites and a repair'] | Where-Object { $_.GetType().Name -eq 'CISynapseRepairResult' }).Count | Should -BeGreaterThan 0
        @($Records | Where-Object { $_.GetType().Name -eq 'CISynapseEntity' }).Count | Should -Be 1
        @($Records | Where-Object { $_.GetType().Name -eq 'CISynapsePrerequisiteResult' }).Count | Should -BeGreaterThan 20
    }

    It 'shows neither the canary nor a token in any output or error record of step <_>' -ForEach @(
        'sign in', 'default store', 'validated connection', 'read and change it', 'a connection Azure refuses', 'roles',
        'prerequisites and a repair', 'entities from Azurite', 'a store in a Blob container', 'a token for the wrong service',
        'an expired token', 'an export run', 'sign out') {
        Assert-NoCanary $Canary -InputObject $RecordsByStep[$_] | Should -BeGreaterThan 0
    }

    It 'writes neither into the default store or any other file under HOME and the temp folder' {
        @(Get-ChildItem -Recurse -File -Force $TempHome | Where-Object FullName -Like '*CustomerInsightsSynapse*').Count | Should -BeGreaterThan 0
        Assert-NoCanary $Canary -Path $TempHome, $TempTmp | Should -BeGreaterThan 0
    }

    It 'writes neither into the Blob store container' {
        Assert-NoCanary $Canary -ContainerUrl $DefsUrl -StorageToken $StorageToken | Should -BeGreaterThan 1
    }

    It 'ran the export: a run record, the saved T-SQL and the batches the SQL endpoint received exist to search' {
        $runs = @($RecordsByStep['an export run'] | Where-Object { $_.GetType().Name -eq 'CISynapseExportRun' })
        @($runs | Where-Object Status -EQ 'Succeeded').Count | Should -BeGreaterThan 0 -Because (@($RecordsByStep['an export run'] | Where-Object { $_ -is [Management.Automation.ErrorRecord] } | ForEach-Object { $_.Exception.Message }) -join '; ')
        @($runs | Where-Object Status -NE 'Succeeded').Count | Should -BeGreaterThan 0 -Because 'the run whose T-SQL was refused is recorded as failed'
        $ids = @($RecordsByStep['an export run'] | Where-Object { $_ -is [Management.Automation.ErrorRecord] } | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] })
        $ids | Should -Contain 'ExportNotFound'
        @(Get-CISynapseEmulatorSqlBatch -Stack $Stack -Database 'db_canary').Count | Should -BeGreaterThan 0
        @(Get-ChildItem -Recurse -File (Join-Path $TempTmp 'store-before-removal')).Count | Should -BeGreaterThan 2
    }

    It 'writes neither into the export''s lake container: model.json, snapshots, run records (_runs/) and saved T-SQL (_sql/)' {
        Assert-NoCanary $Canary -ContainerUrl $ExportLakeUrl -StorageToken $StorageToken | Should -BeGreaterThan 3
        $names = (Invoke-WebRequest -Uri "$($ExportLakeUrl)?restype=container&comp=list&prefix=db_canary/" -Headers $Headers).Content
        $names | Should -Match 'db_canary/_runs/'
        $names | Should -Match 'db_canary/_sql/'
    }

    It 'sends neither to the SQL endpoint: no canary or token in any recorded T-SQL batch' {
        $batches = @(Get-CISynapseEmulatorSqlBatch -Stack $Stack)
        $batches.Count | Should -BeGreaterThan 0
        foreach ($batch in $batches) { Assert-NoCanary $Canary -Text $batch.text }
    }

    It 'writes neither into the lake container' {
        Assert-NoCanary $Canary -ContainerUrl $LakeUrl -StorageToken $StorageToken | Should -BeGreaterThan 1
    }
}
