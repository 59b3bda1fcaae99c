package ringcentral

import (
	"net/http"
	"strings"
)

// The directory reads apps make at start-up (issue 13 item 1): the
// account's extension list (SPEC listExtensions, GetExtensionListResponse;
// Medium group) and an extension's phone numbers (SPEC
// listExtensionPhoneNumbers, GetExtensionPhoneNumbersResponse; Light).
// Every pbxsim extension is an enabled User; the list filters by
// extensionNumber, status and type and pages as documented.

type extensionListEntry struct {
	ID              any            `json:"id"`
	URI             string         `json:"uri"`
	ExtensionNumber string         `json:"extensionNumber"`
	Name            string         `json:"name"`
	Type            string         `json:"type"`
	Status          string         `json:"status"`
	Contact         map[string]any `json:"contact"`
	Hidden          bool           `json:"hidden"`
}

func (d *Dialect) serveExtensionList(w http.ResponseWriter, r *http.Request) {
	a := d.dir().accounts[caller(r).AccountID]
	pr, err := parsePage(r)
	if err != nil {
		writeError(w, err)
		return
	}
	statuses, err := queryValues(r, "status", "Enabled", "Disabled", "Frozen", "NotActivated", "Unassigned")
	if err != nil {
		writeError(w, err)
		return
	}
	types, err := queryValues(r, "type", "User", "FaxUser", "FlexibleUser", "VirtualUser", "DigitalUser", "Department",
		"Announcement", "Voicemail", "SharedLinesGroup", "PagingOnly", "IvrMenu", "ApplicationExtension", "ParkLocation",
		"Bot", "Room", "Limited", "Site", "ProxyAdmin", "DelegatedLinesGroup", "GroupCallPickup", "RoomConnector")
	if err != nil {
		writeError(w, err)
		return
	}
	number := r.URL.Query().Get("extensionNumber")
	var all []extensionListEntry
	for _, x := range a.order {
		if number != "" && x.Number != number || statuses != nil && !statuses["Enabled"] || types != nil && !types["User"] {
			continue
		}
		first, last, _ := strings.Cut(x.Name, " ")
		all = append(all, extensionListEntry{
			ID: jsonID(x.ID), URI: d.extensionURI(r, x), ExtensionNumber: x.Number, Name: x.Name,
			Type: "User", Status: "Enabled",
			Contact: map[string]any{"firstName": first, "lastName": last, "name": x.Name},
		})
	}
	writeJSON(w, http.StatusOK, paginate(r, all, pr))
}

type phoneNumberEntry struct {
	URI         string         `json:"uri"`
	ID          any            `json:"id"`
	PhoneNumber string         `json:"phoneNumber"`
	Country     map[string]any `json:"country,omitempty"`
	Extension   map[string]any `json:"extension,omitempty"`
	PaymentType string         `json:"paymentType"`
	Primary     bool           `json:"primary"`
	Status      string         `json:"status"`
	Type        string         `json:"type"`
	UsageType   string         `json:"usageType"`
	Features    []string       `json:"features"`
}

// servePhoneNumbers lists an extension's direct numbers (the first is
// primary) and the company's main number, which the spec says the list
// includes ("company-level numbers that may be used ... on behalf of this
// extension"). IDs are the numbers' digits.
func (d *Dialect) servePhoneNumbers(w http.ResponseWriter, r *http.Request) {
	x, err := d.extensionParam(r)
	if err != nil {
		writeError(w, err)
		return
	}
	pr, err := parsePage(r)
	if err != nil {
		writeError(w, err)
		return
	}
	usage, err := queryValues(r, "usageType", "MainCompanyNumber", "AdditionalCompanyNumber", "CompanyNumber", "DirectNumber",
		"CompanyFaxNumber", "ForwardedNumber", "ForwardedCompanyNumber", "ContactCenterNumber", "ConferencingNumber",
		"MeetingsNumber", "BusinessMobileNumber", "ELIN", "FmcBusinessMobileNumber", "PartnerBusinessMobileNumber")
	if err != nil {
		writeError(w, err)
		return
	}
	status := r.URL.Query().Get("status")
	switch status {
	case "", "Normal", "Pending", "PortedIn", "Temporary", "Unknown":
	default:
		writeError(w, invalidParam("status", status, "Allowed values: Normal, Pending, PortedIn, Temporary, Unknown."))
		return
	}
	base := httpBase(r) + "/restapi/v1.0/account/" + x.AccountID + "/phone-number/"
	var all []phoneNumberEntry
	add := func(num, usageType string, primary bool, ext map[string]any, features []string) {
		if num == "" || usage != nil && !usage[usageType] || status != "" && status != "Normal" {
			return
		}
		id := jsonID(strings.TrimPrefix(num, "+"))
		all = append(all, phoneNumberEntry{URI: base + strings.TrimPrefix(num, "+"), ID: id, PhoneNumber: num,
			Country:   map[string]any{"id": "1", "isoCode": "US", "name": "United States"},
			Extension: ext, PaymentType: "Local", Primary: primary, Status: "Normal", Type: "VoiceFax",
			UsageType: usageType, Features: features})
	}
	ext := map[string]any{"id": jsonID(x.ID), "uri": d.extensionURI(r, x), "extensionNumber": x.Number}
	for i, n := range x.Numbers {
		add(n, "DirectNumber", i == 0, ext, []string{"CallerId", "SmsSender"})
	}
	if a := d.dir().accounts[x.AccountID]; a != nil {
		add(a.MainNumber, "MainCompanyNumber", len(x.Numbers) == 0, nil, []string{"CallerId"})
	}
	lp := paginate(r, all, pr)
	writeJSON(w, http.StatusOK, lp)
}
