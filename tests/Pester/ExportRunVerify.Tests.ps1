# Verify after apply (issue 16 item 7): each view whose entity landed a new snapshot is probed through the emulator's
# serverless SQL endpoint; a view the engine refuses goes back to its previous snapshot, so readers keep getting the
# previous rows, and its entity is Failed in the run record with the engine's message.
BeforeAll {
    Import-Module $env:CISYNAPSE_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/TestStack.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../TestStack/CdmTestData.psm1') -Force
    $script:Prepared = Get-Content -Raw (Join-Path $PSScriptRoot '../AzureEmulator/Scenarios/prepared-tenant.json') | ConvertFrom-Json -AsHashtable
    $script:Stack = Start-CISynapseTestStack -Scenario $Prepared
    $account = $Prepared.storageAccounts[0].name
    $container = $Prepared.storageAccounts[0].containers[0].name
    New-CISynapseTestBlobContainer -Stack $Stack -Account $account -Container $container
    Set-CISynapseStore -Location (Join-Path $TestDrive 'store')
    $connect = $Stack.ConnectArguments
    Connect-CISynapseAccount @connect | Out-Null
    $null = New-CISynapseConnection -Name 'lake' -DisplayName 'Synapse' -SubscriptionId $Prepared.subscriptions[0].subscriptionId `
        -ResourceGroupName $Prepared.synapseWorkspaces[0].resourceGroup -WorkspaceName $Prepared.synapseWorkspaces[0].name `
        -StorageAccountName $account -Container $container
    $script:Source = Join-Path $TestDrive 'source'
    $null = New-CISynapseTestCdmFolder -Path $Source -Rows @{ Customer = 20; Segments = 10 }
    $null = New-CISynapseExport -Name 'verify' -DisplayName 'Verify' -Connection 'lake' -Source $Source -DatabaseName 'VerifyDb' `
        -Entity Customer, Segments -DeploymentMode Apply
    $script:First = Invoke-CISynapseExport -Name 'verify' -Confirm:$false -WarningAction SilentlyContinue
}

AfterAll {
    if ($Stack) { Stop-CISynapseTestStack -Stack $Stack }
    Set-CISynapseStore -Default
    Disconnect-CISynapseAccount
}

Describe 'A view that fails its check after apply' {
    It 'goes back to its previous snapshot, keeps answering with the previous rows, and its entity is Failed' {
        $First.Status | Should -Be 'Succeeded'
        (Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'VerifyDb' -Query 'SELECT COUNT(*) AS N FROM [dbo].[Customer]').N | Should -Be 20
        $null = New-CISynapseTestCdmFolder -Path $Source -Rows @{ Customer = 30; Segments = 15 } -Seed 2
        Set-CISynapseEmulatorSqlFault -Stack $Stack -Kind error -Match 'SELECT TOP (1) * FROM [dbo].[Customer]' -Number 15813 `
            -Message "Error handling external file: 'Max errors count reached.'." -Confirm:$false

        $second = Invoke-CISynapseExport -Name 'verify' -Confirm:$false -WarningAction SilentlyContinue -ErrorAction SilentlyContinue
        Set-CISynapseEmulatorSqlFault -Stack $Stack -Clear -Confirm:$false

        $second.Status | Should -Be 'PartiallySucceeded'
        $customer = $second.Entities | Where-Object Entity -EQ 'Customer'
        $customer.Action | Should -Be 'Failed'
        $customer.ErrorId | Should -Be 'ViewVerificationFailed'
        $customer.Error | Should -Match 'Max errors count reached'
        $customer.SnapshotId | Should -Be ($First.Entities | Where-Object Entity -EQ 'Customer').SnapshotId
        ($second.Entities | Where-Object Entity -EQ 'Segments').Action | Should -Be 'Landed'
        (Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'VerifyDb' -Query 'SELECT COUNT(*) AS N FROM [dbo].[Customer]').N | Should -Be 20
        (Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'VerifyDb' -Query 'SELECT COUNT(*) AS N FROM [dbo].[Segments]').N | Should -Be 15

        $third = Invoke-CISynapseExport -Name 'verify' -Confirm:$false -WarningAction SilentlyContinue
        $third.Status | Should -Be 'Succeeded'
        ($third.Entities | Where-Object Entity -EQ 'Customer').Action | Should -Be 'Landed'
        (Invoke-CISynapseEmulatorQuery -Stack $Stack -Database 'VerifyDb' -Query 'SELECT COUNT(*) AS N FROM [dbo].[Customer]').N | Should -Be 30
    }
}
