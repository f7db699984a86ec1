// Key Vault for the app's secrets that people issue outside Azure: the lead
// groups' Teams webhook URLs (each URL is its own credential). Access is Azure
// RBAC only (no access policies): the Function App's identity reads secrets
// (Key Vault Secrets User, modules/roles.bicep) through the Key Vault
// references of its app settings; operators who store a URL need Key Vault
// Secrets Officer on the vault (README, "Teams channels").

param location string
param tags object
param keyVaultName string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  // checkov:skip=CKV_AZURE_109: Flex Consumption without a virtual network resolves Key Vault references over the public endpoint, which accepts only Entra ID tokens with a data-plane role.
  // checkov:skip=CKV_AZURE_189: Flex Consumption without a virtual network resolves Key Vault references over the public endpoint, which accepts only Entra ID tokens with a data-plane role.
  // checkov:skip=CKV_AZURE_110: The vault holds only Teams webhook URLs, which a channel owner can issue again; purge protection would block azd down --purge followed by azd up of the same environment for 90 days.
  // checkov:skip=CKV_AZURE_42: Soft delete is on (7 days); purge protection is off for the reason given with CKV_AZURE_110, so the check's recoverability test cannot pass.
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

output name string = vault.name
// https://<name>.vault.azure.net/ (with the trailing slash)
output vaultUri string = vault.properties.vaultUri
