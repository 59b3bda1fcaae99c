package ringcentral

import (
	"net/http"
	"strconv"
	"strings"
)

// Paging of list reads (extension list, phone numbers, active calls, the
// call log): page and perPage in, the spec's EnumeratedPagingModel and
// PageNavigationModel out (SPEC GetExtensionListResponse, CallLogResponse).
// perPage accepts 1..1000 or "max"; a larger number means 1000 (SPEC
// PerPageWithMax); the default is 100.

const (
	defaultPerPage = 100
	maxPerPage     = 1000
)

// pageRequest is what a list read asked for.
type pageRequest struct {
	Page, PerPage int
}

func parsePage(r *http.Request) (pageRequest, error) {
	q := r.URL.Query()
	pr := pageRequest{Page: 1, PerPage: defaultPerPage}
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return pr, invalidParam("page", v, "Only positive numbers are allowed.")
		}
		pr.Page = n
	}
	if v := q.Get("perPage"); v != "" {
		if strings.EqualFold(v, "max") {
			pr.PerPage = maxPerPage
		} else {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return pr, invalidParam("perPage", v, `A positive number or "max" is expected.`)
			}
			pr.PerPage = min(n, maxPerPage)
		}
	}
	return pr, nil
}

type pagingInfo struct {
	Page          int  `json:"page,omitempty"`
	PerPage       int  `json:"perPage"`
	PageStart     *int `json:"pageStart,omitempty"`
	PageEnd       *int `json:"pageEnd,omitempty"`
	TotalPages    int  `json:"totalPages"`
	TotalElements int  `json:"totalElements"`
}

type navLink struct {
	URI string `json:"uri"`
}

type navigationInfo struct {
	FirstPage    *navLink `json:"firstPage,omitempty"`
	NextPage     *navLink `json:"nextPage,omitempty"`
	PreviousPage *navLink `json:"previousPage,omitempty"`
	LastPage     *navLink `json:"lastPage,omitempty"`
}

// listPage is a page of a list read: uri, records, paging, navigation.
type listPage[T any] struct {
	URI        string         `json:"uri"`
	Records    []T            `json:"records"`
	Paging     pagingInfo     `json:"paging"`
	Navigation navigationInfo `json:"navigation"`
}

// paginate cuts all into the requested page. A page past the end is empty
// and, as the spec allows, carries no page, pageStart or pageEnd.
func paginate[T any](r *http.Request, all []T, pr pageRequest) listPage[T] {
	total := len(all)
	pages := (total + pr.PerPage - 1) / pr.PerPage
	lp := listPage[T]{URI: pageURI(r, 0), Records: []T{},
		Paging: pagingInfo{PerPage: pr.PerPage, TotalPages: pages, TotalElements: total}}
	start := (pr.Page - 1) * pr.PerPage
	if start < total {
		end := min(start+pr.PerPage, total)
		lp.Records = all[start:end]
		last := end - 1
		lp.Paging.Page, lp.Paging.PageStart, lp.Paging.PageEnd = pr.Page, &start, &last
	}
	if pages > 0 {
		lp.Navigation.FirstPage = &navLink{pageURI(r, 1)}
		lp.Navigation.LastPage = &navLink{pageURI(r, pages)}
		if pr.Page < pages {
			lp.Navigation.NextPage = &navLink{pageURI(r, pr.Page+1)}
		}
		if pr.Page > 1 && pr.Page <= pages {
			lp.Navigation.PreviousPage = &navLink{pageURI(r, pr.Page-1)}
		}
	}
	return lp
}

// pageURI is the request's URL with page set to n (n 0: as asked).
func pageURI(r *http.Request, n int) string {
	q := r.URL.Query()
	if n > 0 {
		q.Set("page", strconv.Itoa(n))
	}
	u := httpBase(r) + r.URL.Path
	if enc := q.Encode(); enc != "" {
		u += "?" + enc
	}
	return u
}

// queryValues returns a multi-valued query parameter ("direction=Inbound&
// direction=Outbound" or "direction=Inbound,Outbound"), each value checked
// against allowed (case-sensitive, as the spec's enums).
func queryValues(r *http.Request, name string, allowed ...string) (map[string]bool, error) {
	vals := r.URL.Query()[name]
	if len(vals) == 0 {
		return nil, nil
	}
	out := map[string]bool{}
	for _, v := range vals {
		for _, s := range strings.Split(v, ",") {
			ok := false
			for _, a := range allowed {
				if s == a {
					ok = true
				}
			}
			if !ok {
				return nil, invalidParam(name, s, "Allowed values: "+strings.Join(allowed, ", ")+".")
			}
			out[s] = true
		}
	}
	return out, nil
}
